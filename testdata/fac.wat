;; The factorial, recursive, on i64: the README's example of `--invoke`
;; (deno run -A cli.ts --invoke fac testdata/fac.wat 20).
(module
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1))))))))

;; A WASI command for tests/dap/branch_test.ts: `_start` prints "x\n" as many times as the
;; global $times says (3 unless a debugger sets it), counting it down, then returns.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; "x\n" at 16, its iovec at 0.
  (data (i32.const 0) "\10\00\00\00\02\00\00\00")
  (data (i32.const 16) "x\n")
  (global $times (mut i32) (i32.const 3))
  (global $limit i32 (i32.const 10))
  (func $main (export "_start")
    (block $done
      (loop $l
        (br_if $done (i32.eqz (global.get $times)))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (global.set $times (i32.sub (global.get $times) (i32.const 1)))
        (br $l)))))

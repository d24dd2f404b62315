;; A WASI command for tests/dap/branch_test.ts: `_start` prints "before\n", then calls $fail
;; with 1, which works a while (100,000 turns of a loop), then traps (unreachable) when its
;; parameter is not 0. (The work puts the call in an earlier slice of the recording than the
;; trap: the ticks of the budget that traps are not counted exactly, see src/debug/recording.ts.)
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\07\00\00\00")
  (data (i32.const 16) "before\n")
  (func $fail (param $bad i32) (local $i i32)
    ;; some work first
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))
    (if (local.get $bad) (then unreachable)))
  (func $main (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $fail (i32.const 1))))

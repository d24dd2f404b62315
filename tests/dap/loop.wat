;; A WASI command that never ends (tests/dap/live_test.ts): `_start` counts in the global
;; $count forever, one step of the loop per turn, and prints "spinning\n" every 2^16 turns.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; "spinning\n" at 16, its iovec at 0.
  (data (i32.const 0) "\10\00\00\00\09\00\00\00")
  (data (i32.const 16) "spinning\n")
  (global $count (export "count") (mut i32) (i32.const 0))
  (func $spin (export "_start")
    (loop $l
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (if (i32.eqz (i32.and (global.get $count) (i32.const 0xffff)))
        (then (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
      (br $l))))

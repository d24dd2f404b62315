;; Hello world for WASI preview 1, written by hand: writes one line to standard output with
;; fd_write and returns from _start (exit status 0).
;; Build the binary beside it with: deno run -A cli.ts parse testdata/hello.wat -o testdata/hello.wasm
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32)
      (result i32)))
  (memory (export "memory") 1)
  ;; The iovec {buf = 16, len = 14} at 0, the text at 16.
  (data (i32.const 0) "\10\00\00\00\0e\00\00\00")
  (data (i32.const 16) "Hello, world!\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))

;; trees: allocation of GC structs (WebAssembly 3.0 GC), written by hand because C cannot emit
;; it. The binary-trees benchmark: run(n) builds complete binary trees of `struct` nodes
;; (struct.new), walks them (struct.get, br_on_null, ref.as_non_null, recursive calls) and
;; drops them, at depths 4, 6, ... up to max(n, 6), with more trees at the smaller depths (each
;; depth allocates about 2^(n+6) nodes), besides one tree of depth n + 1 and one that lives
;; through the whole run. It measures the engine's allocator and garbage collector as much as
;; the interpreter.
;;
;; Returns: i32, a hash of every tree's check value. Default n = 14.
;; Built by scripts/build_testdata.sh with gab's own text parser:
;;   deno run -A cli.ts parse testdata/kernels/trees.wat -o testdata/kernels/trees.wasm
(module
  (type $node (struct
    (field $left (ref null $node))
    (field $right (ref null $node))
    (field $item i32)))

  ;; A complete tree of the given depth; the children of `item` are 2 item - 1 and 2 item.
  (func $make (param $item i32) (param $depth i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $depth))
      (then (struct.new $node (ref.null $node) (ref.null $node) (local.get $item)))
      (else
        (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
        (struct.new $node
          (call $make
            (i32.sub (i32.shl (local.get $item) (i32.const 1)) (i32.const 1))
            (local.get $depth))
          (call $make (i32.shl (local.get $item) (i32.const 1)) (local.get $depth))
          (local.get $item)))))

  ;; A leaf's item; for an inner node, ((item + check left) * 3) xor check right.
  (func $check (param $tree (ref $node)) (result i32)
    (block $leaf
      (return
        (i32.xor
          (i32.mul
            (i32.add
              (struct.get $node $item (local.get $tree))
              (call $check (br_on_null $leaf (struct.get $node $left (local.get $tree)))))
            (i32.const 3))
          (call $check (ref.as_non_null (struct.get $node $right (local.get $tree)))))))
    (struct.get $node $item (local.get $tree)))

  (func (export "run") (param $n i32) (result i32)
    (local $max i32)
    (local $depth i32)
    (local $trees i32)
    (local $i i32)
    (local $sum i32)
    (local $long (ref null $node))
    (local.set $max
      (select (local.get $n) (i32.const 6) (i32.gt_s (local.get $n) (i32.const 6))))
    (local.set $sum
      (call $check (call $make (i32.const 1) (i32.add (local.get $max) (i32.const 1)))))
    (local.set $long (call $make (i32.const 2) (local.get $max)))
    (local.set $depth (i32.const 4))
    (block $done
      (loop $depths
        (br_if $done (i32.gt_s (local.get $depth) (local.get $max)))
        (local.set $trees
          (i32.shl (i32.const 1)
            (i32.add (i32.sub (local.get $max) (local.get $depth)) (i32.const 5))))
        (local.set $i (i32.const 0))
        (loop $each
          (local.set $sum
            (i32.add
              (i32.mul (local.get $sum) (i32.const 31))
              (call $check (call $make (local.get $i) (local.get $depth)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $each (i32.lt_s (local.get $i) (local.get $trees))))
        (local.set $depth (i32.add (local.get $depth) (i32.const 2)))
        (br $depths)))
    (i32.add
      (i32.mul (local.get $sum) (i32.const 31))
      (call $check (ref.as_non_null (local.get $long)))))
)

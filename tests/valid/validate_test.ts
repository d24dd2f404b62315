import assert from "node:assert/strict";
import { ExternKind, FUNCREF, I32, refType } from "../../src/syntax/types.ts";
import { validateModule } from "../../src/valid/validate.ts";
import { expr, fn, func, funcType, ins, invalid, mod, valid } from "./build.ts";

const lim = (min: bigint, max: bigint | null = null) => ({ min, max });

Deno.test("memories and tables: limits", () => {
  const m = (min: bigint, max: bigint | null, is64 = false) =>
    mod({ memories: [{ type: { is64, limits: lim(min, max), shared: false } }] });
  valid(m(0n, 65536n));
  invalid(m(65537n, null), "memory size");
  invalid(m(0n, 65537n), "memory size");
  invalid(m(2n, 1n), "size minimum must not be greater than maximum");
  valid(m(65537n, null, true));
  invalid(m(1n << 48n + 1n, null, true), "memory size");
  const t = (min: bigint, max: bigint | null) =>
    mod({ tables: [{ type: { is64: false, limits: lim(min, max), elem: FUNCREF }, init: null }] });
  invalid(t(1n << 32n, null), "table size");
  invalid(t(2n, 1n), "size minimum must not be greater than maximum");
  invalid(
    mod({
      tables: [{
        type: { is64: false, limits: lim(1n), elem: refType(false, -0x10) },
        init: null,
      }],
    }),
    "type mismatch",
  );
});

Deno.test("exports, start and tags", () => {
  const types = [funcType([], []), funcType([I32], [])];
  const funcs = [func(0, []), func(1, [])];
  valid(mod({ types, funcs, exports: [{ name: "a", kind: ExternKind.Func, index: 0 }] }));
  invalid(
    mod({
      types,
      funcs,
      exports: [
        { name: "a", kind: ExternKind.Func, index: 0 },
        { name: "a", kind: ExternKind.Func, index: 1 },
      ],
    }),
    'duplicate export name "a"',
  );
  invalid(mod({ exports: [{ name: "g", kind: ExternKind.Global, index: 0 }] }), "unknown global 0");
  valid(mod({ types, funcs, start: 0 }));
  invalid(mod({ types, funcs, start: 1 }), "start function");
  invalid(mod({ types, funcs, start: 2 }), "unknown function 2");
  invalid(mod({ types: [funcType([], [I32])], tags: [{ type: 0 }] }), "non-empty tag result type");
});

Deno.test("element and data segments", () => {
  const types = [funcType([], [])];
  const table = { type: { is64: false, limits: lim(1n), elem: FUNCREF }, init: null };
  valid(mod({
    types,
    funcs: [func(0, [])],
    tables: [table],
    elems: [{
      mode: "active",
      table: 0,
      offset: expr(ins("i32.const", { value: 0 })),
      type: FUNCREF,
      init: [expr(ins("ref.func", { index: 0 }))],
    }],
  }));
  invalid(
    mod({
      elems: [{
        mode: "active",
        table: 0,
        offset: expr(ins("i32.const", { value: 0 })),
        type: FUNCREF,
        init: [],
      }],
    }),
    "unknown table 0",
  );
  invalid(
    mod({ datas: [{ mode: "active", memory: 0, offset: expr(), bytes: new Uint8Array() }] }),
    "unknown memory 0",
  );
  // A function referenced from an element segment may be taken by ref.func in bodies.
  valid(fn([], [], [ins("ref.func", { index: 0 }), ins("drop")], {
    elems: [{
      mode: "declarative",
      table: 0,
      offset: null,
      type: FUNCREF,
      init: [expr(ins("ref.func", { index: 0 }))],
    }],
  }));
});

Deno.test("module info", () => {
  const m = fn([], [], [], { types: [funcType([], [])] });
  const info = validateModule(m);
  assert.equal(info.funcTypes.length, 1);
  assert.equal(info.types.canon[0], info.types.canon[1]);
});

import assert from "node:assert/strict";
import {
  ANYREF,
  EXTERNREF,
  FUNCREF,
  HEAP_ANY,
  HEAP_ARRAY,
  HEAP_EQ,
  HEAP_EXN,
  HEAP_EXTERN,
  HEAP_FUNC,
  HEAP_I31,
  HEAP_NOEXN,
  HEAP_NOEXTERN,
  HEAP_NOFUNC,
  HEAP_NONE,
  HEAP_STRUCT,
  I32,
  I64,
  refType,
  type SubType,
} from "../../src/syntax/types.ts";
import { BOT, HEAP_BOT, matchHeap, matchVal } from "../../src/valid/match.ts";
import { canonSub } from "../../src/valid/registry.ts";
import { validateTypes } from "../../src/valid/types.ts";
import { invalid, mod } from "./build.ts";

const struct = (fields: number[], supers: number[] = [], final = true): SubType => ({
  final,
  supers,
  comp: { kind: "struct", fields: fields.map((type) => ({ type, mutable: false })) },
});
const func = (params: number[], results: number[], supers: number[] = [], final = true) => ({
  final,
  supers,
  comp: { kind: "func" as const, params, results },
});

Deno.test("abstract heap type hierarchy", () => {
  const none = null;
  const yes = (a: number, b: number) => assert.ok(matchHeap(none, a, b), `${a} <: ${b}`);
  const no = (a: number, b: number) => assert.ok(!matchHeap(none, a, b), `${a} </: ${b}`);
  for (const h of [HEAP_EQ, HEAP_I31, HEAP_STRUCT, HEAP_ARRAY, HEAP_NONE]) yes(h, HEAP_ANY);
  for (const h of [HEAP_I31, HEAP_STRUCT, HEAP_ARRAY, HEAP_NONE]) yes(h, HEAP_EQ);
  yes(HEAP_NOFUNC, HEAP_FUNC);
  yes(HEAP_NOEXTERN, HEAP_EXTERN);
  yes(HEAP_NOEXN, HEAP_EXN);
  yes(HEAP_BOT, HEAP_EXTERN);
  no(HEAP_ANY, HEAP_EQ);
  no(HEAP_FUNC, HEAP_ANY);
  no(HEAP_EXTERN, HEAP_ANY);
  no(HEAP_NONE, HEAP_FUNC);
  no(HEAP_I31, HEAP_STRUCT);
  assert.ok(matchVal(null, refType(false, HEAP_I31), ANYREF));
  assert.ok(!matchVal(null, ANYREF, refType(false, HEAP_ANY)));
  assert.ok(!matchVal(null, FUNCREF, EXTERNREF));
  assert.ok(matchVal(null, BOT, I64));
  assert.ok(!matchVal(null, I32, I64));
});

Deno.test("equivalent recursion groups share canonical ids", () => {
  // (rec (type $a (struct (field (ref null $b)))) (type $b (struct (field (ref null $a)))))
  const group = [
    struct([refType(true, 1)], [], true),
    struct([refType(true, 0)], [], true),
  ];
  const m1 = mod({ types: [func([], []), ...group.map(shift(1))], recGroups: [1, 2] });
  const m2 = mod({ types: group, recGroups: [2] });
  const t1 = validateTypes(m1), t2 = validateTypes(m2);
  assert.equal(t1.canon[1], t2.canon[0]);
  assert.equal(t1.canon[2], t2.canon[1]);
  assert.notEqual(t2.canon[0], t2.canon[1]);
  // The same types in separate groups are different.
  const m3 = mod({ types: [struct([I32]), struct([I32])], recGroups: [2] });
  const m4 = mod({ types: [struct([I32])], recGroups: [1] });
  const t3 = validateTypes(m3), t4 = validateTypes(m4);
  assert.notEqual(t3.canon[0], t4.canon[0]);
  assert.equal(validateTypes(mod({ types: [struct([I32]), struct([I32])] })).canon[1], t4.canon[0]);
});

Deno.test("declared supertypes", () => {
  const types = [struct([I32], [], false), struct([I32, I64], [0])];
  const t = validateTypes(mod({ types }));
  assert.ok(canonSub(t.canon[1], t.canon[0]));
  assert.ok(matchHeap(t.canon, 1, 0));
  assert.ok(matchHeap(t.canon, 1, HEAP_STRUCT));
  assert.ok(matchHeap(t.canon, HEAP_NONE, 1));
  assert.ok(!matchHeap(t.canon, 0, 1));
  invalid(mod({ types: [struct([I32]), struct([I32], [0])] }), "sub type 1 has final super type 0");
  invalid(mod({ types: [struct([I64], [], false), struct([I32], [0])] }), "sub type");
  invalid(mod({ types: [func([], [], [], false), struct([], [0])] }), "sub type");
  invalid(
    mod({ types: [struct([], [1], false), struct([], [], false)], recGroups: [2] }),
    "forward use",
  );
  invalid(mod({ types: [struct([refType(true, 3)])] }), "unknown type 3");
  // Function subtyping: contravariant params, covariant results.
  const ft = [
    func([refType(false, HEAP_I31)], [ANYREF], [], false),
    func([ANYREF], [refType(false, HEAP_I31)], [0]),
  ];
  validateTypes(mod({ types: ft }));
});

function shift(by: number) {
  return (st: SubType): SubType => ({
    ...st,
    comp: st.comp.kind === "struct"
      ? {
        kind: "struct",
        fields: st.comp.fields.map((f) => ({
          ...f,
          type: f.type <= -0x100 ? refType(true, ((-0x100 - f.type) >> 1) - 0x80 + by) : f.type,
        })),
      }
      : st.comp,
  });
}

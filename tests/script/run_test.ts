import assert from "node:assert/strict";
import {
  DecodeError,
  Exhaustion,
  LinkError,
  ParseError,
  Trap,
  ValidationError,
} from "../../src/errors.ts";
import type { Value } from "../../src/script/ast.ts";
import { type Engine, UncaughtException } from "../../src/script/engine.ts";
import { parseScript } from "../../src/script/parse.ts";
import { type CommandResult, countResults, runScript, runSource } from "../../src/script/run.ts";
import { emptyModule, type Module } from "../../src/syntax/module.ts";
import { ExternKind } from "../../src/syntax/types.ts";
import { readSExprs, type SExpr, type SList } from "../../src/text/sexpr.ts";

/**
 * A fake engine whose "modules" are lists of directives:
 * `(export "f" N)` returns (i32.const N); `(export "f" trap "msg")`, `(export "f" exhaust)`,
 * `(export "f" throw)`, `(export "f" crash)`; `(global "g" N)`; `(import "m" "x")`;
 * `(start-trap "msg")`; `(invalid "msg")`; `(bad)` does not parse.
 */
type Spec = SList[];
const specs = new WeakMap<Module, Spec>();
type Inst = Map<string, (args: Value[]) => Value[]>;

function str(e: SExpr): string {
  return e.kind === "string" ? new TextDecoder().decode(e.bytes) : e.kind === "list" ? "" : e.text;
}

function fakeParse(items: SExpr[]): Module {
  const m = emptyModule();
  const spec: Spec = [];
  for (const item of items) {
    if (item.kind !== "list") continue;
    if (str(item.items[0]) === "bad") {
      throw new ParseError("unknown operator bad", item.pos.line, item.pos.column);
    }
    if (str(item.items[0]) === "import") {
      m.imports.push({
        module: str(item.items[1]),
        name: str(item.items[2]),
        desc: { kind: ExternKind.Func, type: 0 },
      });
    }
    spec.push(item);
  }
  specs.set(m, spec);
  return m;
}

const fake: Engine<Inst> = {
  parseModule: (list) => fakeParse(list.items.slice(1)),
  parseModuleText: (text) => fakeParse(readSExprs(text)),
  decodeModule: (bytes) => {
    if (bytes[0] !== 0) throw new DecodeError("magic header not detected", 0);
    return fakeParse([]);
  },
  encodeModule: () => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
  validate: (m) => {
    for (const d of specs.get(m)!) {
      if (str(d.items[0]) === "invalid") throw new ValidationError(str(d.items[1]));
    }
  },
  spectest: () => new Map([["print", () => []]]),
  instantiate: (m, registry) => {
    for (const imp of m.imports) {
      if (!registry.get(imp.module)?.has(imp.name)) throw new LinkError("unknown import");
    }
    const inst: Inst = new Map();
    for (const d of specs.get(m)!) {
      const [head, name, what, msg] = d.items.map(str);
      if (head === "start-trap") throw new Trap(name);
      if (head === "global") inst.set(name, () => [{ type: "i32", value: Number(what) }]);
      if (head !== "export") continue;
      inst.set(name, (args) => {
        switch (what) {
          case "trap":
            throw new Trap(msg);
          case "exhaust":
            throw new Exhaustion("call stack exhausted");
          case "throw":
            throw new UncaughtException([]);
          case "crash":
            throw new TypeError("oops");
          case "echo":
            return args;
          default:
            return [{ type: "i32", value: Number(what) }];
        }
      });
    }
    return inst;
  },
  invoke: (inst, name, args) => {
    const f = inst.get(name);
    if (f === undefined) throw new Error(`undefined export "${name}"`);
    return f(args);
  },
  get: (inst, name) => inst.get(name)!([])[0],
};

function outcomes(results: CommandResult[]): string[] {
  return results.map((r) => `${r.line} ${r.kind} ${r.outcome}`);
}

Deno.test("an empty engine counts what it cannot check as unsupported", () => {
  const results = runSource(
    `(module (export "f" 1))
(assert_return (invoke "f") (i32.const 1))
(assert_malformed (module binary "x") "magic header")
(assert_invalid (module (invalid "x")) "x")
(register "m")
(thread $t (shared (module $m)))
(wait $t)`,
    {},
  );
  assert.deepEqual(outcomes(results), [
    "1 module unsupported",
    "2 assert_return unsupported",
    "3 assert_malformed unsupported",
    "4 assert_invalid unsupported",
    "5 register unsupported",
    "6 thread unsupported",
    "7 wait unsupported",
  ]);
});

Deno.test("a front end without an interpreter checks modules and malformedness", () => {
  const { parseModule, parseModuleText, decodeModule, validate } = fake;
  const engine: Engine<Inst> = { parseModule, parseModuleText, decodeModule, validate };
  const results = runSource(
    `(module (export "f" 1))
(module (bad))
(module definition (export "f" 1))
(assert_malformed (module binary "x") "magic header")
(assert_malformed (module binary "\\00") "magic header")
(assert_malformed (module quote "(bad)") "unknown operator")
(assert_malformed (module quote "(bad)") "unexpected token")
(assert_invalid (module (invalid "type mismatch here")) "type mismatch")
(assert_invalid (module (invalid "type mismatch")) "unknown type")
(assert_invalid (module) "type mismatch")
(assert_invalid (module (bad)) "type mismatch")`,
    engine,
  );
  assert.deepEqual(outcomes(results), [
    "1 module unsupported",
    "2 module failed",
    "3 module passed",
    "4 assert_malformed passed",
    "5 assert_malformed failed",
    "6 assert_malformed passed",
    "7 assert_malformed failed",
    "8 assert_invalid passed",
    "9 assert_invalid failed",
    "10 assert_invalid failed",
    "11 assert_invalid failed",
  ]);
  assert.equal(results[0].reason, "no interpreter (instantiate)");
  assert.equal(results[1].reason, 'ParseError "unknown operator bad" (2:9)');
  assert.equal(results[4].reason, 'expected malformed "magic header", got a module');
  assert.equal(
    results[6].reason,
    'expected malformed "unexpected token", got "unknown operator bad"',
  );
  assert.equal(results[8].reason, 'expected invalid "unknown type", got "type mismatch"');
  assert.equal(results[9].reason, 'expected invalid "type mismatch", got a module');
});

Deno.test("a full engine runs actions and assertions", () => {
  const results = runSource(
    `(module $a (export "one" 1) (export "trap" trap "integer divide by zero")
  (export "deep" exhaust) (export "throw" throw) (export "crash" crash) (export "echo" echo)
  (global "g" 7))
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "echo" (i32.const 5) (f32.const nan)) (i32.const 5) (f32.const nan:canonical))
(assert_return (get "g") (i32.const 7))
(assert_trap (invoke "trap") "integer divide")
(assert_trap (invoke "trap") "integer overflow")
(assert_trap (invoke "one") "unreachable")
(assert_exhaustion (invoke "deep") "call stack")
(assert_exception (invoke "throw"))
(assert_exception (invoke "one"))
(assert_return (invoke "crash"))
(invoke "one")
(register "a" $a)
(module $b (import "a" "one"))
(assert_unlinkable (module (import "a" "nope")) "unknown import")
(assert_unlinkable (module (import "spectest" "print")) "unknown import")
(assert_trap (module (start-trap "out of bounds table access")) "out of bounds")
(module definition $d (export "two" 2))
(module instance $i $d)
(assert_return (invoke $i "two") (i32.const 2))
(assert_return (invoke $a "one") (i32.const 1))
(assert_return (invoke $nope "one") (i32.const 1))`,
    fake,
  );
  assert.deepEqual(outcomes(results), [
    "1 module passed",
    "4 assert_return passed",
    "5 assert_return failed",
    "6 assert_return passed",
    "7 assert_return passed",
    "8 assert_trap passed",
    "9 assert_trap failed",
    "10 assert_trap failed",
    "11 assert_exhaustion passed",
    "12 assert_exception passed",
    "13 assert_exception failed",
    "14 assert_return failed",
    "15 action passed",
    "16 register passed",
    "17 module passed",
    "18 assert_unlinkable passed",
    "19 assert_unlinkable failed",
    "20 assert_uninstantiable passed",
    "21 module passed",
    "22 module_instance passed",
    "23 assert_return passed",
    "24 assert_return passed",
    "25 assert_return failed",
  ]);
  const reason = (line: number) => results.find((r) => r.line === line)?.reason;
  assert.equal(reason(5), "expected (i32.const 2), got (i32.const 1)");
  assert.equal(reason(9), 'expected trap "integer overflow", got "integer divide by zero"');
  assert.equal(reason(10), 'expected trap "unreachable", got (i32.const 1)');
  assert.equal(reason(14), "expected (no values), got TypeError: oops");
  assert.equal(reason(19), 'expected link error "unknown import", got an instance');
  assert.equal(reason(25), "unknown instance $nope");
});

Deno.test("a module that fails makes the commands using it fail", () => {
  const results = runSource(
    `(module (export "f" 1))
(module $m (bad))
(assert_return (invoke "f") (i32.const 1))
(register "m" $m)
(module (import "m" "f"))
(assert_invalid (module (invalid "x")) "x")`,
    fake,
  );
  assert.deepEqual(outcomes(results), [
    "1 module passed",
    "2 module failed",
    "3 assert_return failed",
    "4 register failed",
    "5 module failed",
    "6 assert_invalid passed",
  ]);
  assert.equal(results[2].reason, 'module at line 2: ParseError "unknown operator bad" (2:12)');
});

Deno.test("stopAfterLine and counting", () => {
  const script = parseScript(`(module (export "f" 1))
(assert_return (invoke "f") (i32.const 1))
(assert_return (invoke "f") (i32.const 2))
(assert_return (invoke "f") (i32.const 1))`);
  const partial = runScript(script, fake, { stopAfterLine: 3 });
  assert.deepEqual(outcomes(partial), [
    "1 module passed",
    "2 assert_return passed",
    "3 assert_return failed",
  ]);
  const counts = countResults(runScript(script, fake));
  assert.deepEqual(counts, {
    module: { passed: 1, failed: 0, unsupported: 0 },
    assert_return: { passed: 2, failed: 1, unsupported: 0 },
  });
});

Deno.test("a script that does not parse is one failed result", () => {
  const results = runSource('(module)\n(assert_return (invoke "f") (i32.const x))', fake);
  assert.equal(results.length, 1);
  assert.equal(results[0].kind, "script");
  assert.equal(results[0].outcome, "failed");
  assert.equal(results[0].line, 2);
});

import assert from "node:assert/strict";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { root, withSession } from "./adapter.ts";

// The "C locals" scope of `gab dap` (C variables by name from .debug_info), driven by the real
// DAP client from npm on testdata/debug/vars.c (clang -O0 -g). The oracle is the program's own
// output: at the lines marked CHECK it printed the values the scope must show there
// (testdata/debug/vars.out, produced under Node's node:wasi).

const program = decodeURIComponent(new URL("testdata/debug/vars.wasm", root).pathname);
const source = decodeURIComponent(new URL("testdata/debug/vars.c", root).pathname);
const varsOut = Deno.readTextFileSync(new URL("testdata/debug/vars.out", root));
const varsC = Deno.readTextFileSync(new URL("testdata/debug/vars.c", root)).split("\n");
/** The line of vars.c where `text` first appears. */
const lineOf = (text: string) => varsC.findIndex((l) => l.includes(text)) + 1;

/** The `name=value` pairs of the k-th CHECK line of `where` in vars.out. */
function checked(where: string, k: number): Map<string, string> {
  const line = varsOut.split("\n").filter((l) => l.startsWith(`CHECK ${where} `))[k];
  return new Map([...line.matchAll(/(\S+?)=(\{[^}]*\}|\S+)/g)].map((m) => [m[1], m[2]]));
}

Deno.test("gab dap: a C locals scope with the variables' values, structs and arrays expandable", async () => {
  await withSession("", async ({ dc, input }) => {
    await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program, stdin: input, stopOnEntry: true }),
      dc.waitForEvent("stopped"),
    ]);
    /** The variables of scope `name` of frame `frameId`, by name. */
    const scope = async (frameId: number, name = "C locals") => {
      const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
      const s = scopes.find((s) => s.name === name);
      assert.ok(s !== undefined, `${name} in ${scopes.map((s) => s.name)}`);
      return await vars(s.variablesReference);
    };
    const vars = async (ref: number) =>
      new Map(
        (await dc.variablesRequest({ variablesReference: ref })).body.variables.map((
          v: DebugProtocol.Variable,
        ) => [v.name, v]),
      );
    // At entry, in the linker's _start.command_export (no DWARF describes it): no C locals.
    const entry = (await dc.scopesRequest({ frameId: 1 })).body.scopes.map((s) => s.name);
    assert.deepEqual(entry, ["Locals", "Globals", "Operand stack"]);

    await dc.setBreakpointsRequest({
      source: { path: source },
      breakpoints: [{ line: lineOf('printf("CHECK scale') }],
    });
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent("stopped")]);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].line, lineOf('printf("CHECK scale'));
    const s1 = checked("scale", 0);
    const top = await scope(st.body.stackFrames[0].id);
    assert.deepEqual([...top.keys()], ["p", "factor", "w"]);
    assert.equal(top.get("factor")!.value, s1.get("factor"));
    assert.equal(top.get("factor")!.type, "float");
    assert.equal(top.get("w")!.value, s1.get("w"));
    assert.equal(top.get("p")!.type, "const point *");
    // Hovers and watches: C expressions evaluated in a frame, structs expandable.
    const frame0 = st.body.stackFrames[0].id, frame1 = st.body.stackFrames[1].id;
    const hover = (expression: string, frameId = frame0) =>
      dc.evaluateRequest({ expression, frameId, context: "hover" });
    assert.equal((await hover("p->x")).body.result, s1.get("p->x"));
    assert.equal((await hover("factor")).body.type, "float");
    const star = (await hover("*p")).body;
    assert.ok(star.variablesReference > 0, JSON.stringify(star));
    const starMembers = await vars(star.variablesReference);
    assert.equal(starMembers.get("x")!.value, s1.get("p->x"));
    await assert.rejects(hover("nosuch"), /no variable 'nosuch' in scope/);
    assert.equal(
      (await hover("numbers[2]", frame1)).body.result,
      checked("main", 0).get("numbers")!.slice(1, -1).split(",")[2],
      "in the caller's frame",
    );

    // The caller's frame (main, at its call of scale): its own C variables.
    const caller = await scope(st.body.stackFrames[1].id);
    const m = checked("main", 0);
    assert.equal(caller.get("n")!.value, m.get("n"));
    const numbers = m.get("numbers")!.slice(1, -1).split(",");
    assert.equal(caller.get("numbers")!.value, `{${numbers.join(", ")}}`);
    const elems = await vars(caller.get("numbers")!.variablesReference);
    assert.deepEqual([...elems.values()].map((v) => v.value), numbers);
    assert.deepEqual([...elems.keys()], ["[0]", "[1]", "[2]", "[3]"]);
    // pt is expandable into its members, and lives in memory (memoryReference).
    const pt = caller.get("pt")!;
    assert.ok(pt.variablesReference > 0 && pt.memoryReference !== undefined);
    const [x, y, tag, weight] = m.get("pt")!.slice(1, -1).split(",");
    const members = await vars(pt.variablesReference);
    assert.deepEqual(
      [...members.entries()].map(([k, v]) => `${k}=${v.value}`),
      [`x=${x}`, `y=${y}`, `tag=${tag.charCodeAt(0)} '${tag}'`, `weight=${weight}`],
    );
    // Its x in memory at memoryReference, read through readMemory.
    const mem = await dc.send("readMemory", { memoryReference: pt.memoryReference, count: 4 });
    const bytes = Uint8Array.from(atob(mem.body.data), (c) => c.charCodeAt(0));
    assert.equal(String(new DataView(bytes.buffer).getInt32(0, true)), x);

    // The second call of scale, then main's printf: the final values.
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent("stopped")]);
    const s2 = checked("scale", 1);
    const again = await scope((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id);
    assert.equal(again.get("factor")!.value, s2.get("factor"));
    assert.equal(again.get("w")!.value, s2.get("w"));
    await dc.setBreakpointsRequest({
      source: { path: source },
      breakpoints: [{ line: lineOf('printf("CHECK main') }],
    });
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent("stopped")]);
    const main = await scope((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id);
    for (const name of ["n", "ratio", "big", "s"]) {
      assert.equal(main.get(name)!.value, m.get(name), name);
    }
    assert.equal(
      main.get("letter")!.value,
      `${m.get("letter")!.charCodeAt(0)} '${m.get("letter")}'`,
    );
    // Stepping back over scale's call keeps the scope readable (and s not yet assigned).
    await Promise.all([dc.stepBackRequest({ threadId: 1 }), dc.waitForEvent("stopped")]);
    const back = await scope((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id);
    assert.equal(back.get("n")!.value, m.get("n"));
  });
});

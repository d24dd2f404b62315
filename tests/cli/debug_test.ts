import assert from "node:assert/strict";

// `gab debug` driven through a pipe, as a script would, on testdata/debug/lines.c (clang -O0
// -g). The oracles are outside the debugger: the C program's own values (it sums the squares
// of 1..n into `total`, n read from its standard input, and prints where `total` lives),
// square's parameter (wasm local 0 at -O0) at its k-th call being k, and the line table as
// llvm-dwarfdump-19 printed it (testdata/debug/lines.debug_line.txt).

const root = new URL("../../", import.meta.url);
const wasm = new URL("testdata/debug/lines.wasm", root);
const dump = Deno.readTextFileSync(new URL("testdata/debug/lines.debug_line.txt", root));

/** The code section's payload start in `bytes` (DWARF addresses count from it). */
function codeStart(bytes: Uint8Array): number {
  let p = 8;
  const leb = () => {
    let v = 0, s = 1, b;
    do {
      b = bytes[p++];
      v += (b & 0x7f) * s;
      s *= 128;
    } while (b & 0x80);
    return v;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    if (id === 10) return p;
    p += size;
  }
  throw new Error("no code section");
}

/**
 * The module offsets where the first statement row of `line` in llvm-dwarfdump's table starts
 * and where the next row starts.
 */
function lineRange(line: number): [number, number] {
  const start = codeStart(Deno.readFileSync(wasm));
  const rows = [...dump.matchAll(/^0x([0-9a-f]{16})\s+(\d+)\s+\d+\s+\d+[^\n]*/gm)];
  const i = rows.findIndex((m) => Number(m[2]) === line && m[0].includes("is_stmt"));
  if (i < 0 || i + 1 >= rows.length) throw new Error(`no row for line ${line}`);
  return [parseInt(rows[i][1], 16) + start, parseInt(rows[i + 1][1], 16) + start];
}

/** Runs `gab debug` with `commands` on its stdin; returns each command's output by position. */
async function session(
  commands: string[],
  programStdin: string,
): Promise<{ head: string; outputs: string[]; stderr: string; code: number }> {
  const input = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(input, programStdin);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "cli.ts", "debug", "--stdin", input, "testdata/debug/lines.wasm"],
      cwd: root,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(commands.join("\n") + "\n"));
    await writer.close();
    const { code, stdout, stderr } = await child.output();
    const text = new TextDecoder().decode(stdout);
    const parts = text.split("(gab) ");
    const outputs = parts.slice(1).map((p, i) => {
      assert.ok(p.startsWith(`${commands[i]}\n`) || i === commands.length, `echo of ${i}: ${p}`);
      return p.slice(commands[i]?.length + 1).trimEnd();
    });
    return { head: parts[0], outputs, stderr: new TextDecoder().decode(stderr), code };
  } finally {
    await Deno.remove(input);
  }
}

Deno.test("gab debug: a scripted session over a C program (break, step, reverse, watch, goto)", async () => {
  const script = [
    "break square", // 0
    "run", // 1
    "print $0", // 2
    "c", // 3
    "c", // 4
    "info locals", // 5
    "bt", // 6
    "next", // 7
    "next", // 8
    "step", // 9
    "reverse-step", // 10
    "reverse-next", // 11
    "delete 1", // 12
    "break lines.c:22", // 13
    "continue", // 14
    "print *TOTAL", // 15
    "watch TOTAL", // 16
    "reverse-continue", // 17
    "info line", // 18
    "stepi", // 19
    "print *TOTAL", // 20
    "goto 0", // 21
    "goto TICK", // 22
    "print *TOTAL", // 23
    "rc", // 24
    "info breakpoints", // 25
    "reverse-finish", // 26
    "finish", // 27
    "frobnicate", // 28
    "info operands", // 29
    "quit", // 30
  ];
  // The first session learns where `total` lives and at which tick the watchpoint stopped.
  const first = await session(script.slice(0, 1), "4\n");
  const total = /total at (\d+)/.exec(first.head)?.[1];
  assert.ok(total !== undefined, first.head);
  assert.match(first.head, /total 30\n/, "1 + 4 + 9 + 16, the program's own output");
  assert.match(first.head, /Recorded \d+ ticks \(returned\)/);
  const probe = await session(
    [...script.slice(0, 18).map((c) => c.replaceAll("TOTAL", total)), "quit"],
    "4\n",
  );
  const tick = /\[tick (\d+)\//.exec(probe.outputs[17])?.[1];
  assert.ok(tick !== undefined, probe.outputs[17]);

  const cmds = script.map((c) => c.replaceAll("TOTAL", total).replaceAll("TICK", tick));
  const { outputs: o, code } = await session(cmds, "4\n");
  assert.equal(code, 0);
  assert.equal(o[0], "Breakpoint 1 at square entry");
  assert.match(o[1], /^Breakpoint 1, square\n\[tick \d+\/\d+\] square at lines\.c:10:0/);
  assert.equal(o[2], "1", "square(1) first");
  assert.match(o[3], /Breakpoint 1, square/);
  assert.match(o[4], /Breakpoint 1, square/);
  assert.match(o[5], /^\$0 i32 = 3$/m, "square(3) third");
  assert.match(o[6], /^#0 square at lines\.c:10:0 /);
  assert.match(o[6], /^#1 __original_main at lines\.c:20:\d+ /m, "called from line 20");
  assert.match(o[7], /square at lines\.c:11:/);
  assert.match(o[8], /square at lines\.c:12:/);
  assert.match(o[9], /__original_main at lines\.c:20:/, "step out of the return");
  assert.match(o[10], /square at lines\.c:12:/, "reverse-step back into square");
  assert.match(o[11], /square at lines\.c:11:/);
  assert.equal(o[12], "Deleted 1");
  // At the first instruction the engine can stop at (fused ones share a position) in the
  // range of line 22's row in dwarfdump's table.
  const [from, to] = lineRange(22);
  const at = /^Breakpoint 2 at __original_main @0x([0-9a-f]+)$/.exec(o[13])?.[1];
  assert.ok(at !== undefined, o[13]);
  assert.ok(parseInt(at, 16) >= from && parseInt(at, 16) < to, `${o[13]} in [${from}, ${to})`);
  assert.match(o[14], /^Breakpoint 2, lines\.c:22\n.*at lines\.c:22:/);
  assert.equal(o[15], "30");
  assert.equal(o[16], `Watchpoint 3: *${total} = 30`);
  // Back from line 22 to the last write of total: 14 (1 + 4 + 9) just before it, on line 20.
  assert.match(o[17], new RegExp(`^Watchpoint 3: \\*${total} = 14\\n`));
  assert.match(o[18], /^lines\.c:20:/);
  assert.match(o[19], new RegExp(`^\\[tick ${Number(tick) + 1}/`));
  assert.equal(o[20], "30");
  assert.match(o[21], /^\[tick 0\//);
  assert.equal(o[22], o[17].split("\n")[1], "the same position after going to tick 0 and back");
  assert.equal(o[23], "14");
  // Further back, the write before: 5 (1 + 4) before it (it wrote 14).
  assert.match(o[24], new RegExp(`^Watchpoint 3: \\*${total} = 5\\n`));
  assert.equal(o[25], `2 breakpoint lines.c:22\n3 watchpoint *${total}`);
  assert.match(o[26], /_start at .*crt1-command\.c:\d+/, "out of main, back to its call");
  assert.match(o[27], /_start\.command_export /, "out of _start, forward to its caller");
  assert.match(o[28], /^error: unknown command 'frobnicate'/);
  assert.equal(o.length, 31);
  // back in `_start.command_export` after its call to `_start`, which returns nothing
  assert.equal(o[29], "Empty operand stack");
  assert.equal(o[30], "", "quit ends the session: no prompt after it");
});

Deno.test("gab debug: the program's standard input is --stdin, empty without it", async () => {
  const { head } = await session(["quit"], "");
  assert.match(head, /total 55\n/, "no number read: n = 5");
});

Deno.test("gab debug: conditional breakpoints (a local, memory), both ways", async () => {
  const first = await session(["quit"], "");
  const total = /total at (\d+)/.exec(first.head)![1];
  const { outputs: o } = await session([
    "break square if $0 == 3",
    "run",
    "print $0",
    "condition 1 $0 > 4",
    "continue",
    "print $0",
    "condition 1",
    "reverse-continue",
    "print $0",
    "delete 1",
    `break lines.c:20 if *${total} >= 14`,
    "run",
    `print *${total}`,
    "condition 2 $0",
    "quit",
  ], "");
  assert.equal(o[0], "Breakpoint 1 at square entry if $0 == 3");
  assert.equal(o[2], "3", "square(3): the first call where the condition holds");
  assert.equal(o[3], "Breakpoint 1 stops if $0 > 4");
  assert.equal(o[5], "5");
  assert.equal(o[6], "Breakpoint 1 stops always");
  assert.equal(o[8], "4", "back to the call before");
  assert.equal(o[12], "14", "1 + 4 + 9: the first time total reaches 14 on line 20");
  assert.match(o[13], /^error: a condition is A OP B/);
});

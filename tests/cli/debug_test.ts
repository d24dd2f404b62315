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
  module = "testdata/debug/lines.wasm",
): Promise<{ head: string; outputs: string[]; stderr: string; code: number }> {
  const input = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(input, programStdin);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "cli.ts", "debug", "--stdin", input, module],
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
    "info wasm-locals", // 5
    "bt", // 6
    "next", // 7
    "next", // 8
    "reverse-step", // 9
    "reverse-next", // 10
    "print x", // 11
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
  // On square, past its prologue (as gdb): where dwarfdump's table flags prologue_end, line 11.
  const [p0, p1] = lineRange(11);
  const entry = /^Breakpoint 1 at square @0x([0-9a-f]+)$/.exec(o[0])?.[1];
  assert.ok(entry !== undefined && parseInt(entry, 16) >= p0 && parseInt(entry, 16) < p1, o[0]);
  assert.match(o[1], /^Breakpoint 1, square\n\[tick \d+\/\d+\] square at lines\.c:11:/);
  assert.equal(o[2], "1", "square(1) first");
  assert.match(o[3], /Breakpoint 1, square/);
  assert.match(o[4], /Breakpoint 1, square/);
  assert.match(o[5], /^\$0 i32 = 3$/m, "square(3) third");
  assert.match(o[6], /^#0 square at lines\.c:11:\d+ /);
  assert.match(o[6], /^#1 __original_main at lines\.c:20:\d+ /m, "called from line 20");
  assert.match(o[7], /square at lines\.c:12:/);
  assert.match(o[8], /__original_main at lines\.c:20:/, "next out of the return");
  assert.match(o[9], /square at lines\.c:12:/, "reverse-step back into square");
  assert.match(o[10], /square at lines\.c:11:/);
  assert.equal(o[11], "3", "x by name: square's third call");
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
    "delete",
    "break square if x == 4", // 15: a C variable in a condition
    "run",
    "print x",
    "condition 3 x * 2",
    "quit",
  ], "");
  assert.match(o[0], /^Breakpoint 1 at square @0x[0-9a-f]+ if \$0 == 3$/);
  assert.equal(o[2], "3", "square(3): the first call where the condition holds");
  assert.equal(o[3], "Breakpoint 1 stops if $0 > 4");
  assert.equal(o[5], "5");
  assert.equal(o[6], "Breakpoint 1 stops always");
  assert.equal(o[8], "4", "back to the call before");
  assert.equal(o[12], "14", "1 + 4 + 9: the first time total reaches 14 on line 20");
  assert.match(o[13], /^error: a condition is A OP B/);
  assert.match(o[15], /^Breakpoint 3 at square @0x[0-9a-f]+ if x == 4$/);
  assert.match(o[16], /^Breakpoint 3, square\n/);
  assert.equal(o[17], "4");
  assert.match(o[18], /^error: a condition is A OP B/);
});

// C variables by name (.debug_info): testdata/debug/vars.c prints, at the lines marked CHECK,
// the values the debugger must show there; its output under Node's node:wasi is committed as
// testdata/debug/vars.out (the oracle). The same session runs on the DWARF 4 and DWARF 5 builds.
const varsOut = Deno.readTextFileSync(new URL("testdata/debug/vars.out", root));
const varsC = Deno.readTextFileSync(new URL("testdata/debug/vars.c", root)).split("\n");
/** The line of vars.c where `text` first appears. */
const lineOf = (text: string) => varsC.findIndex((l) => l.includes(text)) + 1;
const SCALE = lineOf('printf("CHECK scale'), MAIN = lineOf('printf("CHECK main');
const MORE = lineOf('printf("CHECK more'), ADD = lineOf("counter += sq");

/** The `name=value` pairs of the k-th CHECK line of `where` in vars.out. */
function checked(where: string, k: number): Map<string, string> {
  const line = varsOut.split("\n").filter((l) => l.startsWith(`CHECK ${where} `))[k];
  assert.ok(line !== undefined, `CHECK ${where} #${k}`);
  return new Map(
    [...line.matchAll(/(\S+?)=(\{(?:[^{}]|\{[^{}]*\})*\}|\S+)/g)].map((m) => [m[1], m[2]]),
  );
}

for (const module of ["vars.wasm", "vars.dwarf5.wasm"]) {
  Deno.test(`gab debug: C variables by name in ${module} match what the program printed`, async () => {
    const script = [
      `break vars.c:${SCALE}`, // 0: the printf in scale
      "run", // 1
      "print p->x", // 2
      "print factor", // 3
      "p w", // 4
      "info locals", // 5
      "continue", // 6: scale's second call
      "p p->x", // 7
      "p factor", // 8
      "p w", // 9
      "p *p", // 10
      "delete", // 11
      `break vars.c:${MAIN}`, // 12: the printf in main
      "continue", // 13
      "p numbers", // 14
      "p pt", // 15
      "p n", // 16
      "p letter", // 17
      "p ratio", // 18
      "p big", // 19
      "p *first", // 20
      "p counter", // 21
      "p s", // 22
      "p numbers[2]", // 23
      "p pt.tag", // 24
      "p first", // 25
      "p &numbers", // 26
      "p pt.nosuch", // 27
      "p $0", // 28
      "info locals", // 29
      "p nosuch", // 30
      "p n", // 31
      "", // 32: an empty line repeats the last command (as in gdb)
      "delete", // 33
      "watch counter", // 34: a C global, by name
      "reverse-continue", // 35: back to its last change, in the loop
      "info line", // 36
      "p sq", // 37
      "info variables", // 38: vars.c's globals
      "delete", // 39
      `break vars.c:${MORE}`, // 40: the last printf
      "continue", // 41
      "p grid", // 42: two dimensions
      "p hue", // 43: an enum
      "p name", // 44: a string
      "p fl", // 45: bit-fields
      "p ok", // 46: a bool
      "whatis grid", // 47
      "whatis name", // 48
      "p grid[1]", // 49: a row
      "p grid[1][2]", // 50
      "p *grid", // 51: the first row
      "whatis grid[1]", // 52
      "delete", // 53
      `break vars.c:${SCALE}`, // 54
      "run", // 55: in scale, called from main
      "up", // 56: main's frame selected
      "p numbers[1]", // 57: main's variable
      "p factor", // 58: not in main
      "frame 0", // 59
      "p factor", // 60
      "up", // 61
      "next", // 62: a move selects the innermost frame again
      "p factor", // 63
    ];
    const { outputs: o, code, head } = await session(script, "", `testdata/debug/${module}`);
    assert.equal(code, 0);
    assert.ok(head.includes(varsOut), "the program's own output, as under node:wasi");
    assert.match(
      o[1],
      new RegExp(`^Breakpoint 1, vars\\.c:${SCALE}\n.* scale at vars\\.c:${SCALE}:`),
    );
    const s1 = checked("scale", 0), s2 = checked("scale", 1), m = checked("main", 0);
    assert.equal(o[2], s1.get("p->x"));
    assert.equal(o[3], s1.get("factor"));
    assert.equal(o[4], s1.get("w"));
    assert.match(o[5], /^p = 0x[0-9a-f]+\nfactor = (.*)\nw = (.*)$/);
    assert.equal(o[7], s2.get("p->x"));
    assert.equal(o[8], s2.get("factor"));
    assert.equal(o[9], s2.get("w"));
    // origin = {1, -2, 'o', 0.5}: the C initializer of the global scale's second call gets
    assert.equal(o[10], `{x = ${s2.get("p->x")}, y = -2, tag = 111 'o', weight = 0.5}`);
    assert.match(o[13], new RegExp(`^Breakpoint 2, vars\\.c:${MAIN}\n.* at vars\\.c:${MAIN}:`));
    const numbers = m.get("numbers")!.slice(1, -1).split(",");
    assert.equal(o[14], `{${numbers.join(", ")}}`);
    const [x, y, tag, weight] = m.get("pt")!.slice(1, -1).split(",");
    const charOf = (c: string) => `${c.charCodeAt(0)} '${c}'`;
    assert.equal(o[15], `{x = ${x}, y = ${y}, tag = ${charOf(tag)}, weight = ${weight}}`);
    assert.equal(o[16], m.get("n"));
    assert.equal(o[17], charOf(m.get("letter")!));
    assert.equal(o[18], m.get("ratio"));
    assert.equal(o[19], m.get("big"));
    assert.equal(o[20], m.get("*first"));
    assert.equal(o[21], m.get("counter"));
    assert.equal(o[22], m.get("s"));
    assert.equal(o[23], numbers[2]);
    assert.equal(o[24], charOf(tag));
    const first = /^\(int \*\) (0x[0-9a-f]+)$/.exec(o[25])?.[1];
    assert.ok(first !== undefined, o[25]);
    assert.equal(o[26], `(int[4] *) ${first}`, "first = &numbers[0]");
    assert.equal(o[27], "error: 'pt' has no member 'nosuch'");
    assert.match(o[28], /^-?\d+$/, "$0 is still wasm local 0");
    assert.ok(o[29].startsWith(`numbers = ${o[14]}\npt = ${o[15]}\nn = ${o[16]}\n`), o[29]);
    assert.equal(o[30], "error: no variable 'nosuch' in scope");
    assert.equal(o[32], o[31]);
    assert.equal(o[32], m.get("n"));
    assert.equal(o[34], `Watchpoint 3: counter = ${m.get("counter")}`);
    // The loop's last step added numbers[3] squared: before it, counter was that much less.
    const before = Number(m.get("counter")) - Number(numbers[3]) ** 2;
    assert.match(o[35], new RegExp(`^Watchpoint 3: counter = ${before}\n`));
    assert.ok(o[36].startsWith(`vars.c:${ADD}:`), `counter += sq: ${o[36]}`);
    assert.equal(o[37], String(Number(numbers[3]) ** 2));
    assert.equal(
      o[38],
      `counter = ${before}\norigin = {x = ${s2.get("p->x")}, y = -2, tag = 111 'o', weight = 0.5}`,
    );
    const more = checked("more", 0);
    assert.match(o[41], new RegExp(`^Breakpoint 4, vars\\.c:${MORE}\n`));
    assert.equal(o[42], more.get("grid")!.replaceAll(",", ", "));
    // hue=5 is GREEN in vars.c's `enum color { RED, GREEN = 5, BLUE }`
    assert.equal(more.get("hue"), "5");
    assert.equal(o[43], "GREEN");
    assert.match(o[44], new RegExp(`^\\(const char \\*\\) 0x[0-9a-f]+ "${more.get("name")}"$`));
    const [ready, level] = more.get("fl")!.slice(1, -1).split(",");
    assert.equal(o[45], `{ready = ${ready}, level = ${level}}`);
    assert.equal(o[46], more.get("ok") === "1" ? "true" : "false");
    assert.equal(o[47], "type = int[2][3]");
    assert.equal(o[48], "type = const char *");
    const grid = JSON.parse(more.get("grid")!.replaceAll("{", "[").replaceAll("}", "]"));
    assert.equal(o[49], `{${grid[1].join(", ")}}`);
    assert.equal(o[50], String(grid[1][2]));
    assert.equal(o[51], `{${grid[0].join(", ")}}`);
    assert.equal(o[52], "type = int[3]");
    assert.match(o[56], new RegExp(`^#1 __original_main at vars\\.c:${MAIN - 1}:`));
    assert.equal(o[57], numbers[1]);
    assert.equal(o[58], "error: no variable 'factor' in scope");
    assert.match(o[59], /^#0 scale at /);
    assert.equal(o[60], s1.get("factor"));
    assert.equal(o[63], s1.get("factor"));
  });
}

/** Whether `script` (util-linux: a pseudo-terminal for a command) is installed. */
const hasScript = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test({
  name:
    "gab debug in a terminal: line editing, history (kept across sessions), Ctrl-C, Enter repeats",
  ignore: !hasScript,
  async fn() {
    const dir = await Deno.makeTempDir();
    const history = `${dir}/history`;
    /** Types each of `keys` into `gab debug` on a pseudo-terminal, each after a prompt. */
    const typed = async (keys: string[]): Promise<{ out: string; code: number }> => {
      const child = new Deno.Command("script", {
        args: [
          "-qfec",
          `'${Deno.execPath()}' run -A cli.ts debug testdata/debug/vars.wasm`,
          "/dev/null",
        ],
        cwd: root,
        env: { GAB_HISTORY: history, TERM: "xterm" },
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      let out = "";
      const reading = (async () => {
        for await (const c of child.stdout.pipeThrough(new TextDecoderStream())) out += c;
      })();
      // A new prompt: on a new line (readline redraws the prompt as keys are typed, too).
      // deno-lint-ignore no-control-regex
      const fresh = /\n(\x1b\[\d*[GJ])*\(gab\) /;
      const prompt = async (from: number) => {
        for (let i = 0; i < 600 && !fresh.test(out.slice(from)); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const w = child.stdin.getWriter();
      await prompt(0);
      await new Promise((r) => setTimeout(r, 100));
      for (const [i, k] of keys.entries()) {
        const at = out.length;
        await w.write(new TextEncoder().encode(k));
        if (i < keys.length - 1) await prompt(at);
      }
      await w.close().catch(() => {});
      const { code } = await child.status;
      await reading;
      // What the terminal shows, without readline's cursor movements.
      // deno-lint-ignore no-control-regex
      return { out: out.replace(/\x1b\[\d*[GJCD]/g, "").replace(/\r/g, ""), code };
    };
    try {
      const UP = "\x1b[A", LEFT = "\x1b[D", CTRL_C = "\x03", CTRL_D = "\x04";
      const first = await typed([
        `break vars.c:${SCALE}\r`,
        "run\r",
        "p factor\r",
        "\r", // repeats p factor
        `${UP}${UP}${UP}\r`, // the third command back: break vars.c:22
        `p fac${LEFT}${LEFT}zz\r`, // edited in the middle: p fzzac
        `p w${CTRL_C}`, // dropped
        "info line\r",
        CTRL_D,
      ]);
      assert.equal(first.code, 0, first.out);
      const s1 = checked("scale", 0);
      const factor = first.out.split(`\n${s1.get("factor")}\n`).length - 1;
      assert.equal(factor, 2, `p factor, then Enter repeated it: ${first.out}`);
      assert.match(first.out, /Breakpoint 2 at scale/, "the history recalled break vars.c:22");
      assert.match(
        first.out,
        /error: no variable 'fzzac' in scope/,
        "the left arrow moved the cursor",
      );
      assert.match(first.out, /\^C\n/);
      assert.match(
        first.out,
        new RegExp(`\\nvars\\.c:${SCALE}:\\d+\\n`),
        "info line ran alone: Ctrl-C dropped 'p w'",
      );
      assert.doesNotMatch(first.out, /p winfo/);
      assert.deepEqual(Deno.readTextFileSync(history).trim().split("\n"), [
        `break vars.c:${SCALE}`,
        "run",
        "p factor",
        `break vars.c:${SCALE}`,
        "p fzzac",
        "info line",
      ]);
      // A new session recalls the last one's commands: six back is the first (break vars.c:22),
      // and once that is entered, six back is the second (run).
      const second = await typed([`${UP.repeat(6)}\r`, `${UP.repeat(6)}\r`, CTRL_D]);
      assert.match(
        second.out,
        /Breakpoint 1 at scale/,
        `break vars.c:22 from the saved history: ${JSON.stringify(second.out)}`,
      );
      assert.match(second.out, new RegExp(`Breakpoint 1, vars\\.c:${SCALE}`), "then run");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("gab debug: a malformed .debug_info leaves C variables out, says why, and the rest works", async () => {
  const bytes = Deno.readFileSync(new URL("testdata/debug/vars.wasm", root));
  // The abbreviation table's first bytes (just after the custom section's name) overwritten.
  const name = new TextEncoder().encode(".debug_abbrev");
  let at = bytes.findIndex((_, i) => name.every((c, k) => bytes[i + k] === c));
  assert.ok(at > 0);
  at += name.length;
  bytes.fill(0x7f, at, at + 40);
  const bad = await Deno.makeTempFile({ suffix: ".wasm" });
  try {
    await Deno.writeFile(bad, bytes);
    const { outputs: o, code } = await session(
      [`break vars.c:${SCALE}`, "run", "p factor", "p $0", "quit"],
      "",
      bad,
    );
    assert.equal(code, 0);
    assert.match(o[1], new RegExp(`^Breakpoint 1, vars\\.c:${SCALE}\\n`), "the line table works");
    assert.match(o[2], /^error: no local 'factor' \(no C variables: \.debug_info: .+\)$/);
    assert.match(o[3], /^-?\d+$/, "wasm locals still read");
  } finally {
    await Deno.remove(bad);
  }
});

/**
 * A disassembler for IR ({@linkcode printIr}), for debugging and tests: one line per
 * instruction, `pc: name operands`, operands printed by their kind (slots as `s3`/`d3` in
 * slot units, targets as `@pc`, pool entries with their value).
 *
 * @module
 */

import type { CompiledFunc } from "./compiled.ts";
import { IR_OPS } from "./ops.ts";

/** The IR of `cf` (or bare code) as text, one instruction per line. */
export function printIr(cf: CompiledFunc | Int32Array): string {
  const code = cf instanceof Int32Array ? cf : cf.code;
  const pool64 = cf instanceof Int32Array ? null : cf.pool64;
  const lines: string[] = [];
  let pc = 0;
  while (pc < code.length) {
    const info = IR_OPS[code[pc]];
    if (info === undefined) {
      lines.push(`${pc}: ??? ${code[pc]}`);
      pc++;
      continue;
    }
    const parts: string[] = [];
    for (let i = 0; i < info.kinds.length; i++) {
      const v = code[pc + 1 + i];
      switch (info.kinds[i]) {
        case "d":
          parts.push(`d${v / 2}`);
          break;
        case "s":
          parts.push(`s${v / 2}`);
          break;
        case "t":
          parts.push(`@${v}`);
          break;
        case "k":
          parts.push(pool64 !== null && v < pool64.length ? `#${pool64[v]}` : `k${v}`);
          break;
        case "f":
          parts.push(`f${v}`);
          break;
        case "g":
          parts.push(`g${v / 2}`);
          break;
        default:
          parts.push(String(v));
      }
    }
    lines.push(`${pc}: ${info.name}${parts.length > 0 ? " " + parts.join(" ") : ""}`);
    pc += 1 + info.kinds.length;
  }
  return lines.join("\n");
}

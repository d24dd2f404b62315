/**
 * C variables for the debugger, part 2: DWARF expressions (DWARF 5 §2.5 and §2.6, encodings
 * in §7.7.1 table 7.9) printed as llvm-dwarfdump prints them ({@linkcode formatExpr}, which
 * the tests compare with its output) and evaluated to a {@linkcode Location}
 * ({@linkcode evalLocation}).
 *
 * WebAssembly adds DW_OP_WASM_location (0xED, from the tool-conventions "DWARF for
 * WebAssembly" convention): a kind byte then an index, kind 0 a wasm local of the frame, 1 a
 * global (ULEB index), 2 an operand-stack entry (counted from the bottom of the frame's
 * stack), 3 a global whose index is a fixed 4-byte number (so a linker can relocate it; clang
 * uses it for `__stack_pointer`). Alone it names the wasm value as the variable's home, like
 * DW_OP_regx; followed by other operations its value is pushed on the DWARF stack (clang's
 * frame bases are `DW_OP_WASM_location 0x0 N, DW_OP_stack_value`).
 *
 * The evaluator reads nothing itself: an {@linkcode ExprContext} gives the frame base, wasm
 * values and memory. Not supported (an error names them): typed stack operations
 * (DW_OP_*_type, convert, reinterpret), calls into other DIEs, entry values and TLS.
 *
 * @module
 */

import { ByteReader, DwarfError } from "./dwarf_reader.ts";

/** Operand encodings: u1/u2/u4/u8 fixed unsigned, s1.. signed, U/S LEB128, a address, b block. */
type Operand = "u1" | "s1" | "u2" | "s2" | "u4" | "s4" | "u8" | "s8" | "U" | "S" | "a" | "b";

/** DW_OP_* (DWARF 5 table 7.9): name and operand encodings, by opcode. */
const OPS = new Map<number, [string, Operand[]]>([
  [0x03, ["addr", ["a"]]],
  [0x06, ["deref", []]],
  [0x08, ["const1u", ["u1"]]],
  [0x09, ["const1s", ["s1"]]],
  [0x0a, ["const2u", ["u2"]]],
  [0x0b, ["const2s", ["s2"]]],
  [0x0c, ["const4u", ["u4"]]],
  [0x0d, ["const4s", ["s4"]]],
  [0x0e, ["const8u", ["u8"]]],
  [0x0f, ["const8s", ["s8"]]],
  [0x10, ["constu", ["U"]]],
  [0x11, ["consts", ["S"]]],
  [0x12, ["dup", []]],
  [0x13, ["drop", []]],
  [0x14, ["over", []]],
  [0x15, ["pick", ["u1"]]],
  [0x16, ["swap", []]],
  [0x17, ["rot", []]],
  [0x19, ["abs", []]],
  [0x1a, ["and", []]],
  [0x1b, ["div", []]],
  [0x1c, ["minus", []]],
  [0x1d, ["mod", []]],
  [0x1e, ["mul", []]],
  [0x1f, ["neg", []]],
  [0x20, ["not", []]],
  [0x21, ["or", []]],
  [0x22, ["plus", []]],
  [0x23, ["plus_uconst", ["U"]]],
  [0x24, ["shl", []]],
  [0x25, ["shr", []]],
  [0x26, ["shra", []]],
  [0x27, ["xor", []]],
  [0x28, ["bra", ["s2"]]],
  [0x29, ["eq", []]],
  [0x2a, ["ge", []]],
  [0x2b, ["gt", []]],
  [0x2c, ["le", []]],
  [0x2d, ["lt", []]],
  [0x2e, ["ne", []]],
  [0x2f, ["skip", ["s2"]]],
  [0x90, ["regx", ["U"]]],
  [0x91, ["fbreg", ["S"]]],
  [0x92, ["bregx", ["U", "S"]]],
  [0x93, ["piece", ["U"]]],
  [0x94, ["deref_size", ["u1"]]],
  [0x96, ["nop", []]],
  [0x9b, ["form_tls_address", []]],
  [0x9c, ["call_frame_cfa", []]],
  [0x9d, ["bit_piece", ["U", "U"]]],
  [0x9e, ["implicit_value", ["b"]]],
  [0x9f, ["stack_value", []]],
  [0xa1, ["addrx", ["U"]]],
  [0xa2, ["constx", ["U"]]],
  [0xa3, ["entry_value", ["b"]]],
  [0xe0, ["GNU_push_tls_address", []]],
  [0xf3, ["GNU_entry_value", ["b"]]],
]);
for (let i = 0; i < 32; i++) {
  OPS.set(0x30 + i, [`lit${i}`, []]);
  OPS.set(0x50 + i, [`reg${i}`, []]);
  OPS.set(0x70 + i, [`breg${i}`, ["S"]]);
}
const OP_WASM_LOCATION = 0xed;

/** One decoded operation: its opcode, name, operands, and its offset in the expression. */
export interface Op {
  /** The opcode. */
  code: number;
  /** `DW_OP_…` as llvm-dwarfdump names it. */
  name: string;
  /** The operands (blocks as bytes). */
  args: (bigint | Uint8Array)[];
  /** Its offset in the expression (branch targets count in these). */
  at: number;
  /** Whether an operand was printed signed. */
  signed: boolean[];
}

/** Decodes expression `expr` into operations (`addressSize`: 4 on wasm32). */
export function decodeExpr(expr: Uint8Array, addressSize = 4): Op[] {
  const r = new ByteReader(expr, 0, "a DWARF expression");
  const out: Op[] = [];
  while (r.pos < expr.length) {
    const at = r.pos;
    const code = r.u8();
    if (code === OP_WASM_LOCATION) {
      const kind = r.u8();
      const index = kind === 3 ? r.u32() : r.uleb();
      out.push({
        code,
        name: "DW_OP_WASM_location",
        args: [BigInt(kind), BigInt(index)],
        at,
        signed: [false, false],
      });
      continue;
    }
    const op = OPS.get(code);
    if (op === undefined) {
      throw new DwarfError(`unsupported DWARF operation 0x${code.toString(16)}`);
    }
    const args: (bigint | Uint8Array)[] = [];
    const signed: boolean[] = [];
    for (const kind of op[1]) {
      signed.push(kind.startsWith("s") || kind === "S");
      switch (kind) {
        case "u1":
          args.push(BigInt(r.u8()));
          break;
        case "s1":
          args.push(BigInt((r.u8() << 24) >> 24));
          break;
        case "u2":
          args.push(BigInt(r.u16()));
          break;
        case "s2":
          args.push(BigInt((r.u16() << 16) >> 16));
          break;
        case "u4":
          args.push(BigInt(r.u32()));
          break;
        case "s4":
          args.push(BigInt(r.u32() | 0));
          break;
        case "u8":
          args.push(BigInt(r.u64()));
          break;
        case "s8":
          args.push(BigInt.asIntN(64, BigInt(r.u64())));
          break;
        case "U":
          args.push(r.ulebBig());
          break;
        case "S":
          args.push(r.slebBig());
          break;
        case "a":
          args.push(BigInt(r.sized(addressSize)));
          break;
        case "b":
          args.push(r.take(r.uleb()));
          break;
      }
    }
    out.push({ code, name: `DW_OP_${op[0]}`, args, at, signed });
  }
  return out;
}

/**
 * Expression `expr` as llvm-dwarfdump prints it: operations joined by ", ", unsigned operands
 * in hex and signed ones in decimal with their sign (`DW_OP_fbreg +144`,
 * `DW_OP_WASM_location 0x0 0x2`).
 */
export function formatExpr(expr: Uint8Array, addressSize = 4): string {
  return decodeExpr(expr, addressSize).map((op) => {
    const args = op.args.map((a, i) => {
      if (a instanceof Uint8Array) {
        return `0x${a.length.toString(16)} ${
          [...a].map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(" ")
        }`;
      }
      if (op.signed[i]) return a < 0n ? `${a}` : `+${a}`;
      return `0x${a.toString(16)}`;
    });
    return args.length === 0 ? op.name : `${op.name} ${args.join(" ")}`;
  }).join(", ");
}

/** Where a variable's value is, as an expression evaluated to (DWARF 5 §2.6.1). */
export type Location =
  /** In linear memory at `address`. */
  | { kind: "memory"; address: number }
  /** Not stored anywhere: the value itself (DW_OP_stack_value), little-endian bits. */
  | { kind: "value"; value: bigint }
  /** Not stored anywhere: these bytes (DW_OP_implicit_value). */
  | { kind: "bytes"; bytes: Uint8Array }
  /** A wasm value: local (0), global (1 or 3) or operand-stack entry (2) `index`. */
  | { kind: "wasm"; space: number; index: number }
  /** Assembled from pieces of `size` bytes each (a null location: optimized out). */
  | { kind: "pieces"; pieces: { size: number; loc: Location | null }[] }
  /** Optimized out (an empty expression). */
  | { kind: "none" };

/** What evaluating an expression reads from the stopped program. */
export interface ExprContext {
  /** The size of an address (4 on wasm32). */
  addressSize: number;
  /** The frame base (the subprogram's DW_AT_frame_base evaluated), for DW_OP_fbreg. */
  frameBase?: () => bigint;
  /** The raw bits of wasm local (space 0), global (1, 3) or operand (2) `index`. */
  wasm: (space: number, index: number) => bigint;
  /** `size` bytes of linear memory at `address` (null: out of bounds). */
  memory: (address: number, size: number) => Uint8Array | null;
  /** Address `index` of `.debug_addr` (DW_OP_addrx, DW_OP_constx). */
  addrx?: (index: number) => number;
}

/** Little-endian bytes as an unsigned bigint. */
export function bytesToBig(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/**
 * Evaluates location expression `expr` (DWARF 5 §2.5.1 stack operations, §2.6.1 location
 * descriptions) in `ctx`. Values are 64-bit; addresses are taken modulo the address size.
 */
export function evalLocation(expr: Uint8Array, ctx: ExprContext): Location {
  const ops = decodeExpr(expr, ctx.addressSize);
  if (ops.length === 0) return { kind: "none" };
  const mask = (1n << BigInt(ctx.addressSize * 8)) - 1n;
  const stack: bigint[] = [];
  const pieces: { size: number; loc: Location | null }[] = [];
  let loc: Location | null = null; // a location set by the last operation (register-like)
  const pop = (): bigint => {
    const v = stack.pop();
    if (v === undefined) throw new DwarfError("DWARF expression: stack underflow");
    return v;
  };
  const s64 = (v: bigint) => BigInt.asIntN(64, v);
  const at = new Map(ops.map((op, i) => [op.at, i]));
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const a = op.args[0] as bigint;
    const c = op.code;
    if (c >= 0x30 && c <= 0x4f) {
      stack.push(BigInt(c - 0x30));
      continue;
    }
    if (c >= 0x70 && c <= 0x8f) throw new DwarfError(`${op.name}: wasm has no registers`);
    switch (c) {
      case OP_WASM_LOCATION: {
        const space = Number(a), index = Number(op.args[1]);
        const next = ops[i + 1];
        if (next === undefined || next.code === 0x93) {
          loc = { kind: "wasm", space, index };
        } else stack.push(ctx.wasm(space, index));
        break;
      }
      case 0x03:
      case 0x08:
      case 0x09:
      case 0x0a:
      case 0x0b:
      case 0x0c:
      case 0x0d:
      case 0x0e:
      case 0x0f:
      case 0x10:
      case 0x11:
        stack.push(a);
        break;
      case 0xa1:
      case 0xa2:
        if (ctx.addrx === undefined) throw new DwarfError(`${op.name} without .debug_addr`);
        stack.push(BigInt(ctx.addrx(Number(a))));
        break;
      case 0x91: {
        if (ctx.frameBase === undefined) throw new DwarfError("DW_OP_fbreg without a frame base");
        stack.push(ctx.frameBase() + a);
        break;
      }
      case 0x06:
      case 0x94: {
        const size = c === 0x06 ? ctx.addressSize : Number(a);
        const bytes = ctx.memory(Number(pop() & mask), size);
        if (bytes === null) throw new DwarfError("DWARF expression: memory out of bounds");
        stack.push(bytesToBig(bytes));
        break;
      }
      case 0x12:
        stack.push(stack[stack.length - 1] ?? pop());
        break;
      case 0x13:
        pop();
        break;
      case 0x14:
        stack.push(stack[stack.length - 2] ?? pop());
        break;
      case 0x15: {
        const v = stack[stack.length - 1 - Number(a)];
        if (v === undefined) throw new DwarfError("DW_OP_pick: stack underflow");
        stack.push(v);
        break;
      }
      case 0x16: {
        const x = pop(), y = pop();
        stack.push(x, y);
        break;
      }
      case 0x17: {
        const x = pop(), y = pop(), z = pop();
        stack.push(x, z, y);
        break;
      }
      case 0x19: {
        const x = s64(pop());
        stack.push(x < 0n ? -x : x);
        break;
      }
      case 0x1f:
        stack.push(-s64(pop()));
        break;
      case 0x20:
        stack.push(~pop());
        break;
      case 0x23:
        stack.push(pop() + a);
        break;
      case 0x1a:
      case 0x1b:
      case 0x1c:
      case 0x1d:
      case 0x1e:
      case 0x21:
      case 0x22:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0x27:
      case 0x29:
      case 0x2a:
      case 0x2b:
      case 0x2c:
      case 0x2d:
      case 0x2e: {
        const y = s64(pop()), x = s64(pop());
        stack.push(binary(c, x, y));
        break;
      }
      case 0x2f:
      case 0x28: {
        if (c === 0x28 && pop() === 0n) break;
        const target = op.at + 3 + Number(a);
        if (target === expr.length) i = ops.length;
        else {
          const j = at.get(target);
          if (j === undefined) throw new DwarfError(`${op.name}: bad target`);
          i = j - 1;
        }
        break;
      }
      case 0x96:
        break;
      case 0x9f: // stack_value: the value is the top of the stack
        loc = { kind: "value", value: pop() };
        break;
      case 0x9e:
        loc = { kind: "bytes", bytes: op.args[0] as Uint8Array };
        break;
      case 0x93: {
        // piece: what came before (or nothing: optimized out) describes `a` bytes.
        const piece: Location | null = loc ??
          (stack.length > 0 ? { kind: "memory", address: Number(pop() & mask) } : null);
        pieces.push({ size: Number(a), loc: piece });
        loc = null;
        stack.length = 0;
        break;
      }
      default:
        throw new DwarfError(`${op.name} is not supported`);
    }
  }
  if (pieces.length > 0) return { kind: "pieces", pieces };
  if (loc !== null) return loc;
  return { kind: "memory", address: Number(pop() & mask) };
}

function binary(c: number, x: bigint, y: bigint): bigint {
  switch (c) {
    case 0x1a:
      return x & y;
    case 0x1b:
      if (y === 0n) throw new DwarfError("DW_OP_div by zero");
      return x / y;
    case 0x1c:
      return x - y;
    case 0x1d:
      if (y === 0n) throw new DwarfError("DW_OP_mod by zero");
      return BigInt.asUintN(64, x) % BigInt.asUintN(64, y);
    case 0x1e:
      return x * y;
    case 0x21:
      return x | y;
    case 0x22:
      return x + y;
    case 0x24:
      return x << y;
    case 0x25:
      return BigInt.asUintN(64, x) >> y;
    case 0x26:
      return x >> y;
    case 0x27:
      return x ^ y;
    case 0x29:
      return x === y ? 1n : 0n;
    case 0x2a:
      return x >= y ? 1n : 0n;
    case 0x2b:
      return x > y ? 1n : 0n;
    case 0x2c:
      return x <= y ? 1n : 0n;
    case 0x2d:
      return x < y ? 1n : 0n;
    default:
      return x !== y ? 1n : 0n;
  }
}

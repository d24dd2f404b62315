/**
 * The abstract syntax of `.wast` scripts: the test-script language of the spec testsuite
 * (the reference interpreter's README, "Scripts"), with the threads proposal's `thread` and
 * `wait` commands.
 *
 * Modules stay unparsed here: a text module keeps its S-expression, a `quote` module its text
 * and a `binary` module its bytes, so that the runner parses, decodes or rejects each one when
 * its command runs, and one bad module costs one command, not the whole file. Values and
 * result patterns are fully parsed (numbers as raw bits). Every command keeps the source line
 * of its opening parenthesis.
 *
 * This file only describes scripts; `parse.ts` reads them and `run.ts` runs them.
 *
 * @module
 */

import type { HeapType } from "../syntax/types.ts";
import type { SList } from "../text/sexpr.ts";

/** A script: its commands in order. */
export interface Script {
  commands: Command[];
}

/**
 * A reference value, as actions pass it in and engines hand it back.
 * - `null`: a null reference (the heap type is informative only).
 * - `host`: the script's host reference `(ref.host n)`, an `anyref`.
 * - `extern`: an external reference wrapping another reference (`extern.convert_any`);
 *   `(ref.extern n)` is `extern` around `host n`.
 * - `i31`: an `i31ref` with its 31-bit payload (unsigned, 0 .. 2^31-1).
 * - `struct`, `array`, `func`, `exn`: an engine's object, opaque to the script.
 */
export type Ref =
  | { kind: "null"; heap: HeapType }
  | { kind: "host"; id: number }
  | { kind: "extern"; ref: Ref }
  | { kind: "i31"; value: number }
  | { kind: "struct" | "array" | "func" | "exn"; object?: unknown };

/**
 * A value passed to or returned from an action.
 * Integers are signed (i32 as a JS number, i64 as a bigint); floats are raw bits, unsigned
 * (f32 as a number, f64 as a bigint), so that NaN payloads survive; a v128 is its 16 bytes,
 * little-endian.
 */
export type Value =
  | { type: "i32"; value: number }
  | { type: "i64"; value: bigint }
  | { type: "f32"; bits: number }
  | { type: "f64"; bits: bigint }
  | { type: "v128"; bytes: Uint8Array }
  | { type: "ref"; ref: Ref };

/** Lane shapes of `v128.const`. */
export type Shape = "i8x16" | "i16x8" | "i32x4" | "i64x2" | "f32x4" | "f64x2";

/** The two NaN patterns: any canonical NaN, or any NaN with the payload's top bit set. */
export type NanKind = "canonical" | "arithmetic";

/**
 * A pattern for one lane of a v128 result: the lane's exact bits (unsigned, lane-wide), or a
 * NaN pattern (float shapes only).
 */
export type LanePat = bigint | NanKind;

/** A pattern that an action's result must match (spec script grammar: result_pat). */
export type ResultPat =
  /** Exactly this value (floats compared bit for bit). */
  | { kind: "value"; value: Value }
  /** `(f32.const nan:canonical)` and friends. */
  | { kind: "nan"; type: "f32" | "f64"; nan: NanKind }
  /** `(v128.const shape lane*)`, lane by lane. */
  | { kind: "v128"; shape: Shape; lanes: LanePat[] }
  /** `(ref.null)` (heap null) or `(ref.null ht)`: any null reference. */
  | { kind: "ref.null"; heap: HeapType | null }
  /** `(ref.host n)`: exactly that host reference. */
  | { kind: "ref.host"; id: number }
  /** `(ref.extern n)`: exactly the external reference to host reference n. */
  | { kind: "ref.extern"; id: number }
  /**
   * `(ref)`/`(ref.any)`, `(ref.eq)`, `(ref.i31)`, `(ref.struct)`, `(ref.array)`, `(ref.func)`,
   * `(ref.exn)`, `(ref.extern)`: any reference of that abstract heap type (the reference
   * interpreter's RefTypePat; `any` excludes functions, `extern` accepts every reference).
   */
  | { kind: "ref"; heap: HeapType }
  /** `(either pat+)`: one of the alternatives. */
  | { kind: "either"; alternatives: ResultPat[] };

/** Where a module comes from. */
export type ModuleSource =
  /** `(module $id? field*)`, kept as its list (without `definition`) for `parseModule`. */
  | { kind: "text"; list: SList }
  /** `(module $id? binary "..."*)`: the concatenated bytes. */
  | { kind: "binary"; bytes: Uint8Array }
  /**
   * `(module $id? quote "..."*)`: the concatenated strings' bytes, for `parseModuleText` (which
   * reports bytes that are not UTF-8 as malformed).
   */
  | { kind: "quote"; bytes: Uint8Array };

/** A module as a script writes it. */
export interface ModuleDef {
  /** The `$id` naming the module (and its instance), without `$`. */
  id: string | null;
  /** `(module definition ...)`: define without instantiating. */
  definition: boolean;
  source: ModuleSource;
  line: number;
}

/** `(invoke $inst? "name" arg*)`. */
export interface Invoke {
  kind: "invoke";
  /** The instance, without `$`; null for the most recent one. */
  instance: string | null;
  name: string;
  args: Value[];
  line: number;
}

/** `(get $inst? "name")`: read an exported global. */
export interface Get {
  kind: "get";
  instance: string | null;
  name: string;
  line: number;
}

/** An action. */
export type Action = Invoke | Get;

/**
 * What an `assert_unlinkable` or module-form `assert_trap` instantiates: a module written in
 * place (defined anonymously, then instantiated), or `(module instance $i? $m?)`.
 */
export type InstanceTarget =
  | { kind: "module"; module: ModuleDef }
  | { kind: "instance"; instance: string | null; module: string | null };

/** A command of a script, by kind; `line` is where its opening parenthesis is. */
export type Command =
  /** Define a module; unless `definition`, also instantiate it under the same name. */
  | { kind: "module"; line: number; module: ModuleDef }
  /** `(module instance $i? $m?)`: instantiate module `$m` (the latest) as `$i`. */
  | { kind: "module_instance"; line: number; instance: string | null; module: string | null }
  /** `(register "name" $inst?)`: make an instance importable under a name. */
  | { kind: "register"; line: number; name: string; instance: string | null }
  /** A bare action; its results are not checked. */
  | { kind: "action"; line: number; action: Action }
  | { kind: "assert_return"; line: number; action: Action; results: ResultPat[] }
  /** `assert_trap` on an action: it must trap with a message starting with `message`. */
  | { kind: "assert_trap"; line: number; action: Action; message: string }
  | { kind: "assert_exhaustion"; line: number; action: Action; message: string }
  /** The action must throw an uncaught WebAssembly exception. */
  | { kind: "assert_exception"; line: number; action: Action }
  /** `assert_trap` on a module: instantiation must trap (the spec's AssertUninstantiable). */
  | { kind: "assert_uninstantiable"; line: number; target: InstanceTarget; message: string }
  | { kind: "assert_unlinkable"; line: number; target: InstanceTarget; message: string }
  | { kind: "assert_malformed"; line: number; module: ModuleDef; message: string }
  | { kind: "assert_invalid"; line: number; module: ModuleDef; message: string }
  /** Custom-section and annotation assertions (testsuite `custom/`). */
  | { kind: "assert_malformed_custom"; line: number; module: ModuleDef; message: string }
  | { kind: "assert_invalid_custom"; line: number; module: ModuleDef; message: string }
  /** `(thread $t (shared (module $m))* cmd*)` (threads proposal). */
  | { kind: "thread"; line: number; name: string; shared: string[]; commands: Command[] }
  /** `(wait $t)` (threads proposal). */
  | { kind: "wait"; line: number; thread: string }
  /** `(script ...)`, `(input ...)`, `(output ...)`: kept by name, never run. */
  | { kind: "meta"; line: number; name: string };

/** The kind of a command, the key of the runner's counts. */
export type CommandKind = Command["kind"];

/**
 * The typed errors gab reports for bad input and for failures at run time. Each `message` is
 * the spec's own text where the spec testsuite names one (what `assert_malformed`,
 * `assert_invalid`, `assert_unlinkable`, `assert_trap` and `assert_exhaustion` expect), so that
 * it can be compared with those strings by prefix; locations travel in fields, and
 * {@linkcode WasmError.describe} renders both.
 *
 * @module
 */

/**
 * One frame of a wasm backtrace: a function of a module instance and the byte offset in the
 * module's binary of the instruction it was executing (the call, for a caller).
 */
export interface TraceFrame {
  /** The function's index in its module. */
  func: number;
  /** Its name from the name section (or the text format's `$id`), without `$`; or null. */
  name: string | null;
  /** The module's name from the name section, or null. */
  module: string | null;
  /** The byte offset of the instruction in the module's binary, or null if unknown. */
  offset: number | null;
}

/** The base of every error gab raises on purpose. */
export class WasmError extends Error {
  /**
   * Where execution was when it failed (Trap, Exhaustion, an uncaught exception), innermost
   * frame first; empty for errors outside execution. Not enumerable: two errors of the same
   * kind and message compare equal wherever they happened.
   */
  declare trace: TraceFrame[];
  /** How many outer frames {@linkcode trace} leaves out (a very deep stack). */
  declare traceOmitted: number;

  /** An error with `message`, and no backtrace yet. */
  constructor(message?: string) {
    super(message);
    Object.defineProperties(this, {
      trace: { value: [], writable: true, enumerable: false, configurable: true },
      traceOmitted: { value: 0, writable: true, enumerable: false, configurable: true },
    });
  }

  /** The message with its location, for people. */
  describe(): string {
    return this.message;
  }

  /**
   * The backtrace as wasmtime prints it, one line per frame, innermost first:
   * `    0:   0x2a - mod!name` (the module's name or `<unknown>`, the function's name or
   * `<wasm function N>`); no lines when there is no trace.
   */
  backtrace(): string[] {
    const lines = this.trace.map((f, i) => {
      const at = f.offset === null ? "" : `${`0x${f.offset.toString(16)}`.padStart(6)} - `;
      const name = f.name ?? `<wasm function ${f.func}>`;
      return `${String(i).padStart(5)}: ${at}${f.module ?? "<unknown>"}!${name}`;
    });
    if (this.traceOmitted > 0) lines.push(`       ... ${this.traceOmitted} more frames`);
    return lines;
  }
}

/** A binary module is malformed (spec §5). */
export class DecodeError extends WasmError {
  /** Byte offset in the binary where decoding failed. */
  readonly offset: number;
  /** An error `message` at byte `offset` of the binary. */
  constructor(message: string, offset: number) {
    super(message);
    this.name = "DecodeError";
    this.offset = offset;
  }
  /** The message and the byte offset in hex. */
  override describe(): string {
    return `${this.message} (at byte 0x${this.offset.toString(16)})`;
  }
}

/** A text module or script is malformed (spec §6). */
export class ParseError extends WasmError {
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column of the offending token. */
  readonly column: number;
  /** An error `message` at `line` and `column` (1-based) of the text. */
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = "ParseError";
    this.line = line;
    this.column = column;
  }
  /** `line:column: message`. */
  override describe(): string {
    return `${this.line}:${this.column}: ${this.message}`;
  }
}

/** A module is invalid (spec §3). */
export class ValidationError extends WasmError {
  /** Index of the function whose body is invalid, or null for module-level errors. */
  readonly func: number | null;
  /** Byte offset of the offending instruction in the binary, or null. */
  readonly offset: number | null;
  /** An error `message`, in function `func` at byte `offset` where known. */
  constructor(message: string, func: number | null = null, offset: number | null = null) {
    super(message);
    this.name = "ValidationError";
    this.func = func;
    this.offset = offset;
  }
  /** The message, and the function and byte offset where known. */
  override describe(): string {
    const where = [
      this.func === null ? "" : `in function ${this.func}`,
      this.offset === null ? "" : `at byte 0x${this.offset.toString(16)}`,
    ].filter((s) => s !== "").join(" ");
    return where === "" ? this.message : `${this.message} (${where})`;
  }
}

/** Instantiation failed because an import is missing or has the wrong type (spec §4.5.4). */
export class LinkError extends WasmError {
  /** An error with the given `message`. */
  constructor(message: string) {
    super(message);
    this.name = "LinkError";
  }
}

/** Execution trapped (spec §4.4), e.g. "integer divide by zero". */
export class Trap extends WasmError {
  /** An error with the given `message`. */
  constructor(message: string) {
    super(message);
    this.name = "Trap";
  }
}

/** Execution ran out of a resource, e.g. "call stack exhausted". */
export class Exhaustion extends WasmError {
  /** An error with the given `message`. */
  constructor(message: string) {
    super(message);
    this.name = "Exhaustion";
  }
}

/**
 * A valid module uses an instruction this engine does not run yet (GC): it is refused
 * at instantiation, before anything is allocated. The message names the instruction; the
 * fields say where it is first used (`src/ir/support.ts` holds what the engine runs).
 */
export class UnsupportedError extends WasmError {
  /** The instruction's text-format name, e.g. `v128.load` or `select (v128)`. */
  readonly instruction: string;
  /** Index of the first function whose body uses it, or null in a constant expression. */
  readonly func: number | null;
  /** That function's name (name section or text `$id`, without `$`), or null. */
  readonly funcName: string | null;
  /** Byte offset of the first use in the binary, or null when unknown. */
  readonly offset: number | null;
  /** `instruction` is not run yet; first used in function `func` at byte `offset`. */
  constructor(
    instruction: string,
    func: number | null = null,
    funcName: string | null = null,
    offset: number | null = null,
  ) {
    super(`${instruction} is not supported by this engine yet`);
    this.name = "UnsupportedError";
    this.instruction = instruction;
    this.func = func;
    this.funcName = funcName;
    this.offset = offset;
  }
  /** The message, and the function and byte offset of the first use. */
  override describe(): string {
    const where = this.func === null
      ? "in a constant expression"
      : `in function ${this.func}${this.funcName === null ? "" : ` $${this.funcName}`}`;
    const at = this.offset === null ? "" : ` at byte 0x${this.offset.toString(16)}`;
    return `${this.message} (${where}${at})`;
  }
}

/**
 * A snapshot cannot be restored (or taken): it is truncated, corrupt, foreign, of a newer
 * format version, or inconsistent with itself. The message says what is wrong.
 */
export class SnapshotError extends WasmError {
  /** An error with the given `message`. */
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

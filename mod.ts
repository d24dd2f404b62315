/**
 * gab: a WebAssembly interpreter written in TypeScript, whose whole execution state is plain
 * data. This module is the engine's API; run as the main module it is the `gab` command
 * (`deno run -A jsr:@gab/cli testdata/hello.wasm`).
 *
 * It reads, writes, prints and validates WebAssembly 3.0 modules in both formats, and runs them
 * (SIMD and relaxed SIMD included; GC is on its way) with a WASI preview 1 host. A run can go
 * in budgets of ticks, be written down as snapshot bytes, restored in another process and
 * forked, and recorded for time travel ({@linkcode Recording}: travel, reverse steps,
 * breakpoints and watchpoints both ways).
 *
 * @example Instantiate a module and call its exports
 * ```ts
 * import { instantiate } from "./mod.ts";
 *
 * const { exports } = instantiate(`(module
 *   (func $fac (export "fac") (param i64) (result i64)
 *     (if (result i64) (i64.eqz (local.get 0))
 *       (then (i64.const 1))
 *       (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))`);
 * const fac = exports.fac as (n: bigint) => bigint;
 * console.assert(fac(20n) === 2432902008176640000n);
 * ```
 *
 * @example Parse a text module, validate it, and encode it as a binary
 * ```ts
 * import { decodeModule, encodeModule, parseModuleText, validateModule } from "./mod.ts";
 *
 * const module = parseModuleText(`(module (func (export "add") (param i32 i32) (result i32)
 *   (i32.add (local.get 0) (local.get 1))))`);
 * validateModule(module);
 * const bytes = encodeModule(module);
 * console.assert(decodeModule(bytes).exports[0].name === "add");
 * ```
 *
 * @example Run in budgets, snapshot, restore and finish
 * ```ts
 * import { restore, Runtime, type WasmFunction } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const runtime = new Runtime();
 * const { exports } = runtime.instantiate(`(module (func (export "sum") (param i32) (result i32)
 *   (local i32)
 *   (loop $l (local.set 1 (i32.add (local.get 1) (local.get 0)))
 *     (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
 *   (local.get 1)))`);
 * const execution = runtime.start(exports.sum as WasmFunction, [1000]);
 * assert.equal(execution.runFor(500).status, "paused");
 * const bytes = runtime.snapshot({ execution }); // plain bytes: a file, another process...
 * const restored = restore(bytes);
 * assert.deepEqual(restored.execution!.runFor(Infinity), { status: "complete", results: [500500] });
 * ```
 *
 * @module
 */

export * from "./src/errors.ts";
export * from "./src/syntax/types.ts";
export type * from "./src/syntax/module.ts";
export { type Catch, CatchKind, type Imm, type Instr } from "./src/syntax/instr.ts";
export { Op, type OpInfo, type OpName, OPS } from "./src/syntax/opcodes.ts";
export { decodeModule } from "./src/binary/decode.ts";
export { encodeModule } from "./src/binary/encode.ts";
export { CodeReader, readInstrs } from "./src/binary/code.ts";
export { parseModuleText } from "./src/text/parse.ts";
export { printModule } from "./src/text/print.ts";
export { validateModule } from "./src/valid/validate.ts";
export {
  compile,
  CompiledModule,
  type ExportValue,
  type Imports,
  type ImportValue,
  instantiate,
  Runtime,
  UncaughtWasmException,
  type ValueTypeName,
  type WasmFunction,
  WasmGcObject,
  WasmGlobal,
  WasmInstance,
  WasmMemory,
  WasmTable,
  WasmTag,
} from "./src/api/runtime.ts";
export type { ExportDescriptor, ExternKindName, ImportDescriptor } from "./src/api/module.ts";
export { fork, type ForkHandle, type ForkOptions } from "./src/api/fork.ts";
export { Execution, type ExecutionState, type RunResult } from "./src/exec/execution.ts";
export type { HostImpl, RawValue } from "./src/runtime/values.ts";
export { type Machine, type ReentryHook, WasmException } from "./src/exec/machine.ts";
export type { SnapshotExtra } from "./src/snapshot/snapshot.ts";
export type { HostBindings, Restored } from "./src/snapshot/restore.ts";
export { restore, type RestoredRuntime } from "./src/api/restore.ts";
export type { ValueConversion } from "./src/exec/execution.ts";
export {
  type Breakpoint,
  Recording,
  type RecordingOptions,
  type StopReason,
  type Watchpoint,
} from "./src/debug/recording.ts";
export type { Checkpoint, MemoryImage, TableImage } from "./src/debug/checkpoint.ts";
export {
  type CallBack,
  type Effects,
  HostLog,
  type HostState,
  type LogEntry,
  type LoggedWrite,
  ReplayDivergence,
} from "./src/debug/hostlog.ts";
export { stateHash } from "./src/debug/hash.ts";
export {
  callStack,
  type FrameInfo,
  functionWat,
  type GlobalInfo,
  globals,
  type LocalInfo,
  locals,
  type OperandInfo,
  operandStack,
  wasmOffset,
} from "./src/debug/inspect.ts";
export {
  createWasi,
  type DriveOptions,
  type DriveResult,
  importsWasi,
  ProcExit,
  type StdinSource,
  type WaitReason,
  Wasi,
  WasiConfigError,
  type WasiOptions,
  type WasiState,
} from "./src/wasi/api.ts";
export type { ClockState, FdEntry, FdKind, Preopen } from "./src/wasi/state.ts";
export {
  type ProgramRunOptions,
  restoreProgram,
  resumeWasi,
  type ResumeWasiOptions,
  WasiProgram,
  type WasiRunResult,
} from "./src/wasi/program.ts";

if (import.meta.main) {
  const { main } = await import("./src/cli/main.ts");
  Deno.exit(await main(Deno.args));
}

/**
 * gab: a WebAssembly interpreter written in TypeScript, whose whole execution state is plain
 * data. This module is the engine's API; run as the main module it is the `gab` command
 * (`deno run -A jsr:@gab/cli prog.wasm`).
 *
 * Today it reads, writes, prints and validates WebAssembly 3.0 modules in both formats; the
 * interpreter, snapshots and the WASI host come next.
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
 * @module
 */

export * from "./src/errors.ts";
export * from "./src/syntax/types.ts";
export type * from "./src/syntax/module.ts";
export type { Catch, Imm, Instr } from "./src/syntax/instr.ts";
export { Op, type OpInfo, type OpName, OPS } from "./src/syntax/opcodes.ts";
export { decodeModule } from "./src/binary/decode.ts";
export { encodeModule } from "./src/binary/encode.ts";
export { CodeReader, readInstrs } from "./src/binary/code.ts";
export { parseModuleText } from "./src/text/parse.ts";
export { printModule } from "./src/text/print.ts";
export { validateModule } from "./src/valid/validate.ts";

if (import.meta.main) {
  const { main } = await import("./src/cli/main.ts");
  Deno.exit(await main(Deno.args));
}

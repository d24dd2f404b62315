/**
 * The `gab` command line. Install it with `deno install -A -g -n gab jsr:@gab/cli/cli`, compile
 * it with `deno compile -A cli.ts`, or run it directly:
 *
 * ```sh
 * deno run -A cli.ts prog.wasm
 * ```
 *
 * See {@linkcode main} for the commands; `gab --help` lists them.
 *
 * @module
 */

import { main } from "./src/cli/main.ts";

export { main };
export type { Io } from "./src/cli/main.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

/**
 * The other process of tests/snapshot/process_test.ts: interns some unrelated types first (so
 * that canonical type ids differ from the parent's), restores the snapshot in the file named
 * by its argument, checks that snapshotting the restored state gives the same bytes (no
 * process-local ids inside), runs the execution to completion in slices of 1000 ticks and
 * prints `{ same, results }` as JSON (bigints as strings).
 *
 * @module
 */

import { Execution } from "../../src/exec/execution.ts";
import { restore } from "../../src/snapshot/restore.ts";
import { snapshot } from "../../src/snapshot/snapshot.ts";
import { parseModuleText } from "../../src/text/parse.ts";
import { validateModule } from "../../src/valid/validate.ts";

validateModule(parseModuleText(`(module
  (type (func (param i64 f32) (result f64)))
  (type (func (param i32 i32 i32) (result i32)))
  (rec (type $a (func (param (ref null $b)))) (type $b (func (result (ref null $a))))))`));

const bytes = Deno.readFileSync(Deno.args[0]);
const { machine, execution } = restore(bytes);
if (!(execution instanceof Execution)) throw new Error("no execution in the snapshot");
const again = snapshot(machine, { execution });
const same = again.length === bytes.length && again.every((b, i) => b === bytes[i]);
let r = execution.runFor(1000);
while (r.status === "paused") r = execution.runFor(1000);
if (r.status !== "complete") throw new Error(`ended ${r.status}`);
console.log(
  JSON.stringify({ same, results: r.results }, (_k, v) => typeof v === "bigint" ? v.toString() : v),
);

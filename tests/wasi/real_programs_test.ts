import assert from "node:assert/strict";
import * as path from "node:path";
import {
  CASES,
  hasNode,
  present,
  PROGRAMS,
  readRecorded,
  ROOT,
  runOnGab,
  runOnNode,
  type Timed,
} from "../../scripts/real_programs.ts";

// Real WASI programs nobody here wrote (Flite, the SQLite shell: scripts/real_programs.ts),
// fetched by `deno task fetch:programs` into .cache/programs: each case runs on gab and on
// Node's node:wasi (or, without `node`, against the outcome the fetch script recorded with
// Node), and their exit statuses, stdout, stderr and the files left in the preopened directory
// must be the same bytes. Absent programs make their cases ignored; slow cases need GAB_SLOW=1;
// GAB_TIER=hot or all runs gab with its compiled tier (issue 17).
const slow = Deno.env.get("GAB_SLOW") === "1";
const node = hasNode();
const absent = new Set<string>(), unrecorded: string[] = [];

for (const c of CASES) {
  const have = present(c);
  const recorded = have && !node ? readRecorded(c) : null;
  if (!have) absent.add(path.relative(ROOT, PROGRAMS[c.program]));
  else if (!node && recorded === null) unrecorded.push(c.name);
  Deno.test({
    name: `real wasi program ${c.name}`,
    ignore: !have || (c.slow === true && !slow) || (!node && recorded === null),
    async fn() {
      const want: Timed = recorded ?? await runOnNode(c);
      const got = runOnGab(c);
      const secs = (t: Timed) => (t.ms / 1000).toFixed(2);
      const from = recorded ? "node (recorded)" : "node";
      console.log(`  ${c.name}: gab ${secs(got)} s, ${from} ${secs(want)} s`);
      assert.deepEqual(got.outcome, want.outcome);
    },
  });
}

if (absent.size > 0) {
  console.log(`real programs: ${[...absent].join(", ")} absent: run \`deno task fetch:programs\``);
}
if (unrecorded.length > 0) {
  console.log(
    `real programs: no node and no recorded outcome for ${unrecorded.join(", ")}: run ` +
      "`deno task fetch:programs` where node exists",
  );
}

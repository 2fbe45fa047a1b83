/**
 * `npm run soak -- --resources 500 --rate 0.1 --seed 42`: deploys a fleet with the real pulumi CLI
 * against the emulator's fault mode and prints what converged (numbers, not a test).
 */
import { parseArgs } from "node:util";
import { runSoak } from "../test/soak/soak";

const { values } = parseArgs({
  options: {
    resources: { type: "string", default: "500" },
    rate: { type: "string", default: "0.1" },
    seed: { type: "string", default: "42" },
    ups: { type: "string", default: "2" },
  },
});

runSoak({
  resources: Number(values.resources),
  rate: Number(values.rate),
  seed: Number(values.seed),
  maxUps: Number(values.ups),
  log: (line) => console.log(`[soak] ${line}`),
}).then(
  (r) => {
    console.log(`resources ${r.resources}, faults ${JSON.stringify(r.faults)}`);
    console.log(`up runs to converge: ${r.upRuns || `none of ${values.ups}`}; missing from state ${r.missingFromState}; duplicates ${r.duplicates}; orphans ${r.orphans}; lost ${r.lost}`);
    console.log(`reported in the run's output: ${r.reported.retries} retries, ${r.reported.lookups} look-ups after lost answers`);
    console.log(`destroy runs: ${r.destroyRuns}; leftovers ${r.leftovers}; ${r.seconds} s`);
    process.exitCode = r.upRuns && !r.duplicates && !r.orphans && !r.lost && !r.missingFromState && !r.leftovers ? 0 : 1;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);

// Runs every test of the given files on its own (`vitest run <file> -t '^<full name>$'`), to find
// tests that depend on state left by others. Usage: node scripts/each-test-alone.mjs test/unit/a.test.ts …
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";

mkdirSync(".scratch", { recursive: true });

const files = process.argv.slice(2);
// The names, from one ordinary run's JSON report.
spawnSync("npx", ["vitest", "run", "--project", "unit", ...files, "--reporter=json", "--outputFile=.scratch/each-test-alone.json"], { encoding: "utf8" });
const report = JSON.parse(readFileSync(".scratch/each-test-alone.json", "utf8"));
const listed = report.testResults.flatMap((f) => f.assertionResults.map((a) => ({ name: [...a.ancestorTitles, a.title].join(" "), file: f.name })));
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
let failed = 0;
for (const { name, file } of listed) {
  const rel = file.slice(process.cwd().length + 1);
  const res = spawnSync("npx", ["vitest", "run", "--project", "unit", rel, "-t", `^${escape(name)}$`], { encoding: "utf8" });
  const passed = /Tests\s.*\b1 passed/.test(res.stdout.replace(/\x1b\[[0-9;]*m/g, "")) && res.status === 0;
  if (!passed) failed++;
  console.log(`${passed ? "ok  " : "FAIL"} ${rel} > ${name}`);
  if (!passed) console.log(res.stdout.split("\n").slice(-40).join("\n"));
}
console.log(`${listed.length - failed}/${listed.length} pass alone`);
process.exit(failed ? 1 : 0);

// The score per folder and the surviving mutants of a Stryker JSON report (mutation-testing-report-schema).
import { readFileSync } from "node:fs";
import { dirname } from "node:path";

const report = JSON.parse(readFileSync(process.argv[2] ?? "reports/mutation/mutation.json", "utf8"));
const KILLED = new Set(["Killed", "Timeout"]);
const COUNTED = new Set(["Killed", "Timeout", "Survived", "NoCoverage"]);
const folders = new Map();
const files = new Map();
const survivors = [];
// Static mutants (module-level lines, run when a module loads) are not counted, killed or not: with
// `ignoreStatic` Stryker runs one only when some test loads its module inside the test (a "hybrid"),
// and then against that test alone, never against the tests that check the line (they load the
// module before any test). Counting them would make the score depend on which tests re-import.
const staticOnes = { killed: 0, other: 0 };
for (const [file, { mutants, source }] of Object.entries(report.files)) {
  const lines = source.split("\n");
  const folder = file.startsWith("emulator/") ? file : dirname(file);
  const f = folders.get(folder) ?? { killed: 0, counted: 0 };
  const own = { killed: 0, counted: 0 };
  files.set(file, own);
  for (const m of mutants) {
    if (!COUNTED.has(m.status)) continue;
    if (m.static) {
      staticOnes[KILLED.has(m.status) ? "killed" : "other"]++;
      continue;
    }
    f.counted++;
    own.counted++;
    if (KILLED.has(m.status)) f.killed++, own.killed++;
    else survivors.push(`${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${lines[m.location.start.line - 1].trim().slice(0, 140)}${m.replacement !== undefined ? `\n    → ${String(m.replacement).replace(/\s+/g, " ").slice(0, 140)}` : ""}`);
  }
  folders.set(folder, f);
}
const pct = (f) => (f.counted ? ((100 * f.killed) / f.counted).toFixed(1) + "%" : "n/a");
const total = { killed: 0, counted: 0 };
console.log("\nmutation score (killed + timed out) / (killed + timed out + survived + no coverage):");
for (const [folder, f] of [...folders].sort()) {
  total.killed += f.killed;
  total.counted += f.counted;
  console.log(`  ${folder.padEnd(28)} ${pct(f).padStart(6)}  (${f.killed}/${f.counted})`);
  // Each file of a folder too, when there are several.
  const inFolder = [...files].filter(([file]) => file !== folder && dirname(file) === folder).sort();
  if (inFolder.length > 1) for (const [file, own] of inFolder) console.log(`    ${file.slice(folder.length + 1).padEnd(26)} ${pct(own).padStart(6)}  (${own.killed}/${own.counted})`);
}
console.log(`  ${"overall".padEnd(28)} ${pct(total).padStart(6)}  (${total.killed}/${total.counted})`);
console.log(`  (not counted: ${staticOnes.killed + staticOnes.other} static mutants run against a test that loads their module itself, ${staticOnes.killed} of them killed)`);
console.log(`\nsurvivors (${survivors.length}):`);
for (const s of survivors) console.log("  " + s);

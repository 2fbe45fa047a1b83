/**
 * A fresh user project that installs the `npm pack` tarball of this package, as a new user would:
 * its own package.json, its own `@pulumi/pulumi` and TypeScript, nothing from this repository but
 * the tarball. npm installs from the local cache (`--prefer-offline`), so it is bounded and works
 * without the network once the versions used were installed once.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "../..");
const SCRATCH = join(ROOT, ".pulumi-test");

function versionOf(pkg: string): string {
  return JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
}

let tarball: string | undefined;
/** `npm pack` of the built package (dist/ is built by `npm test`); once per test file. */
export function packTarball(): string {
  if (tarball) return tarball;
  mkdirSync(SCRATCH, { recursive: true });
  const dest = mkdtempSync(join(SCRATCH, "pack-"));
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[]; entryCount: number }[];
  tarball = join(dest, info.filename);
  return tarball;
}

/** What the tarball holds, as `npm pack --dry-run` lists it. */
export function tarballFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--dry-run", "--json"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path).sort();
}

export interface FreshProject {
  dir: string;
  write(file: string, text: string): void;
  /** `tsc --noEmit` in the project: its output, and whether it passed. */
  tsc(): { ok: boolean; output: string };
}

/** A new TypeScript project depending on the tarball and `@pulumi/pulumi@sdkVersion`. */
export function freshProject(name: string, sdkVersion: string): FreshProject {
  const tgz = packTarball();
  const dir = mkdtempSync(join(SCRATCH, `fresh-${name}-`));
  const pkg = {
    name: `fresh-${name}`,
    private: true,
    main: "index.ts",
    dependencies: { "pulumi-edgeai": `file:${tgz}`, "@pulumi/pulumi": sdkVersion },
    devDependencies: { typescript: versionOf("typescript"), "ts-node": versionOf("ts-node"), "@types/node": versionOf("@types/node") },
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true, outDir: "bin", types: ["node"] }, files: ["index.ts"] }, null, 2),
  );
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, encoding: "utf8", timeout: 600_000, stdio: "pipe" });
  return {
    dir,
    write(file, text) {
      writeFileSync(join(dir, file), text);
    },
    tsc() {
      try {
        return { ok: true, output: execFileSync(join(dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", dir], { cwd: dir, encoding: "utf8", timeout: 300_000 }) };
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
      }
    },
  };
}

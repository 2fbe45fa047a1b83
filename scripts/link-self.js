// The dynamic provider process resolves `require("pulumi-edgeai/runtime")` from the program's
// directory; inside this repository (examples, tests) that needs node_modules/pulumi-edgeai.
// The package's bin `pulumi-resource-edgeai` (the native plugin) is linked into node_modules/.bin
// as npm links it for users, so tests and the benchmark find it on PATH the same way.
const fs = require("node:fs");
const path = require("node:path");
const modules = path.join(__dirname, "..", "node_modules");
const link = path.join(modules, "pulumi-edgeai");
let linked = false;
try {
  linked = fs.readlinkSync(link) === "..";
} catch {}
if (!linked) {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync("..", link, "dir");
}
const plugin = path.join(modules, "..", "dist", "provider", "native", "plugin.js");
fs.chmodSync(plugin, 0o755);
const bin = path.join(modules, ".bin", "pulumi-resource-edgeai");
fs.mkdirSync(path.dirname(bin), { recursive: true });
fs.rmSync(bin, { force: true });
fs.symlinkSync(path.relative(path.dirname(bin), plugin), bin);

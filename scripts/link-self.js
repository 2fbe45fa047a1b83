// The dynamic provider process resolves `require("pulumi-edgeai/runtime")` from the program's
// directory; inside this repository (examples, tests) that needs node_modules/pulumi-edgeai.
const fs = require("node:fs");
const path = require("node:path");
const link = path.join(__dirname, "..", "node_modules", "pulumi-edgeai");
try {
  if (fs.readlinkSync(link) === "..") return;
} catch {}
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync("..", link, "dir");

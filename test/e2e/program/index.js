// The Pulumi program every end-to-end test runs through the real CLI. It declares the
// resources listed in the JSON spec named by EDGEAI_SPEC_FILE (written by the test), so one
// program serves every scenario:
//   { "resources": [{ "name", "type": "hilens.ConfigMap", "args": {...}, "opts": {...} }] }
// (opts.import is an ID to import, as the `import` resource option.)
// In args, {"$ref": "other.output"} is another resource's output and {"$secret": v} a secret.
const pulumi = require("@pulumi/pulumi");
const edgeai = require("pulumi-edgeai");
// EDGEAI_DELIVERY=native: the same resources as custom resources of the `edgeai` plugin.
const resources = process.env.EDGEAI_DELIVERY === "native" ? require("pulumi-edgeai/native") : edgeai;
const spec = JSON.parse(require("node:fs").readFileSync(process.env.EDGEAI_SPEC_FILE, "utf8"));

const created = {};
function resolve(value) {
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === "object") {
    if ("$ref" in value) {
      const [name, output] = value.$ref.split(".");
      return created[name][output];
    }
    if ("$secret" in value) return pulumi.secret(value.$secret);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}

for (const r of spec.resources) {
  const [service, type] = r.type.split(".");
  const Resource = resources[service]?.[type];
  if (!Resource) throw new Error(`unknown resource type ${r.type}`);
  const opts = { ...(r.opts ?? {}) };
  if (opts.dependsOn) opts.dependsOn = opts.dependsOn.map((n) => created[n]);
  created[r.name] = new Resource(r.name, resolve(r.args), opts);
}

// Function calls: { "calls": [{ "name", "fn": "hilens.getFirmwares", "args": {...} }] }, exported by name
// (native: invokes served by the plugin).
const called = {};
for (const c of spec.calls ?? []) {
  const [service, fn] = c.fn.split(".");
  called[c.name] = resources[service][fn](resolve(c.args));
}

module.exports = {
  ...Object.fromEntries(Object.entries(created).flatMap(([name, res]) => (spec.exports?.[name] ?? ["id"]).map((key) => [`${name}.${key}`, res[key]]))),
  ...called,
};

// The benchmark's program: 1 workspace + N config maps that reference it. BENCH_KIND=edgeai uses
// pulumi-edgeai against the emulator (dynamic resources), BENCH_KIND=native the same classes from
// pulumi-edgeai/native (served by the pulumi-resource-edgeai plugin on PATH); BENCH_KIND=floor the
// same graph on a do-nothing dynamic provider, the least any dynamic provider can cost the engine
// (with BENCH_SINK_URL, one request per create).
const pulumi = require("@pulumi/pulumi");
const n = Number(process.env.BENCH_RESOURCES);

if (process.env.BENCH_KIND === "edgeai" || process.env.BENCH_KIND === "native") {
  const { hilens } = require(process.env.BENCH_KIND === "native" ? "pulumi-edgeai/native" : "pulumi-edgeai");
  const ws = new hilens.Workspace("ws", { name: "bench" });
  for (let i = 0; i < n; i++) new hilens.ConfigMap(`cm-${i}`, { name: `bench-cm-${i}`, configs: [{ key: "MODEL", value: `m${i}` }], workspaceId: ws.workspaceId });
} else {
  const floor = {
    async check(_olds, news) {
      return { inputs: news };
    },
    async diff() {
      return { changes: false };
    },
    async create(inputs) {
      return { id: inputs.name, outs: inputs };
    },
    async read(id, props) {
      return { id, props };
    },
    async update(_id, _olds, news) {
      return { outs: news };
    },
    async delete() {},
  };
  // BENCH_SINK_URL: one request per create (answered after the emulator's latency), so the
  // requests this floor keeps in flight show the pace the engine itself allows. Set only for that
  // run, so the plain floor's serialized provider (its state size) stays the least it can be.
  if (process.env.BENCH_SINK_URL)
    floor.create = async (inputs) => {
      await (await fetch(`${process.env.BENCH_SINK_URL}/sink/${inputs.name}`, { method: "POST" })).arrayBuffer();
      return { id: inputs.name, outs: inputs };
    };
  const ws = new pulumi.dynamic.Resource(floor, "ws", { name: "bench", workspaceId: undefined }, undefined, "edgeai:hilens", "Workspace");
  for (let i = 0; i < n; i++) new pulumi.dynamic.Resource(floor, `cm-${i}`, { name: `bench-cm-${i}`, configs: [{ key: "MODEL", value: `m${i}` }], workspaceId: ws.id }, undefined, "edgeai:hilens", "ConfigMap");
}

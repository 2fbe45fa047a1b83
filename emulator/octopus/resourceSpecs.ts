import { createHash } from "node:crypto";
import { SPEC_USAGES } from "../../provider/octopus/enums";
import { fail, listPage, octopusRoute, queryEnum } from "./common";

const CLUSTER_ID = "3c151f54-0f3b-4a8e-9d3c-6b1f2a7e9c01";
/** Usages with a GPU spec besides the CPU one; the simulation usages have no spec in the emulator's cluster. */
const GPU_USAGES = new Set(["TRAINING_TRAIN", "TRAINING_EVALUATE", "TRAINING_COMPILE", "ANNOTATION_AI", "ANNOTATION_SEGMENTATION", "DATA_DESENSITIZATION"]);
const WITHOUT_SPECS = new Set(["SIM_COMPILE", "SIM_DOCKER"]);

/** A stable UUID-shaped id per spec. */
const uuidOf = (text: string) => createHash("sha1").update(text).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, "$1-$2-$3-$4-$5");

/** The spec's name as the `spec` filter spells it: `{cpu}Core_{mem}GiB`, GPU specs prefixed `{GPU}_{n}Gpu_`. */
const specName = (s: { gpu_type?: string; gpu?: number; cpu: number; memory: number }) => `${s.gpu_type ? `${s.gpu_type}_${s.gpu}Gpu_` : ""}${s.cpu}Core_${s.memory}GiB`;

const SPECS = SPEC_USAGES.filter((u) => !WITHOUT_SPECS.has(u)).flatMap((usage) => {
  const base = { cluster_id: CLUSTER_ID, usage, build_in: true, match_nodes: 2 };
  const cpu = { ...base, id: uuidOf(`${usage}-cpu`), cpu: 4, memory: 16 };
  // GPU fields are omitted for CPU-only specs (§4.7.1).
  return GPU_USAGES.has(usage) ? [cpu, { ...base, id: uuidOf(`${usage}-gpu`), gpu_type: "Pnt1", gpu: 1, cpu: 8, memory: 32 }] : [cpu];
});

/** Whether jobs can ask for a spec of this name (§4.12.2 `resource_spec`, e.g. "4Core_16GiB"): the cluster has it. */
export function isSpecName(name: string): boolean {
  return SPECS.some((s) => specName(s) === name);
}

export const resourceSpecRoutes = [
  octopusRoute("GET", "/common/clusters/resource-specs", "octopus:resourceManager:get", (req) => {
    const q = req.query;
    // An unknown usage and "no spec available" are both documented as 400.
    const usage = queryEnum(q, "usage", SPEC_USAGES);
    const spec = q.get("spec") || undefined;
    const specId = q.get("spec_id") || undefined;
    const clusterId = q.get("cluster_id") || undefined;
    const rows = SPECS.filter((s) => (!usage || s.usage === usage) && (!spec || specName(s) === spec) && (!specId || s.id === specId) && (!clusterId || s.cluster_id === clusterId)).map((s) => ({
      ...s,
      project_id: req.principal,
    }));
    if (!rows.length) fail(400, "octopus.000001", "Request parameter verification failed: no resource spec is available for this query");
    return listPage(rows, q, { max: 200, default: 10 });
  }),
];

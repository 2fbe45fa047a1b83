import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Context, NotReadyError, Props, afterCreate, defineResource, importIdField } from "../framework/definition";
import { compact, toCamel, toSnake } from "../framework/case";
import { UNKNOWN, fieldIssue, rules } from "../framework/validate";
import { awaitTimeoutsField, skipAwaitField, timeoutFor, waitFor } from "../framework/await";
import { InputError, isNotFound } from "../client/errors";
import { descriptionField, idsByName, projectOnto } from "./common";
import { CONFIG_MAP_NAME } from "./configMap";
import { deploymentTagList, liveTags, reconcileTags } from "./tags";

export const APP_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
const APP_NAME_RULE = "1-32 lowercase letters, digits and '-', starting and ending with a letter or digit (HiLens §5.3.2)";
/** The env var that carries `configHash` in every app (see the field's docs). */
export const CONFIG_HASH_ENV = "EDGEAI_CONFIG_HASH";
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const FAILED = ["CREATE_FAILED", "START_FAILED"];

/** §5.3.2 Res: numbers the API carries as strings; numbers are accepted and sent as strings. */
const amount = (min: number, max: number, what: string) =>
  z
    .union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, { message: "must be a number" })])
    .transform(String)
    .refine((v) => Number(v) >= min && Number(v) <= max, { message: `must be ${min}-${max} (HiLens §5.3.2 Res)` })
    .optional()
    .describe(what);
const res = (memoryMin: number) =>
  z
    .object({
      cpu: amount(0.01, 1000, "CPU cores, 0.01-1000."),
      gpu: amount(0, 1000, "GPUs, 0-1000."),
      memory: amount(memoryMin, 1024000, `Memory, ${memoryMin}-1024000 (MiB).`),
      npu: amount(0, 1000, "NPUs, 0-1000."),
    })
    .optional();
const resources = z.object({ limits: res(4).describe("Upper bounds."), requests: res(0.01).describe("Guaranteed amounts.") });

const refName = rules.pattern(CONFIG_MAP_NAME, "4-64 characters: starts with a lowercase letter, does not end with '-' (HiLens §5.3.2)");
const refKey = rules.pattern(/^[A-Za-z-][A-Za-z0-9._-]{0,62}$/, "1-63 letters, digits, '.', '-', '_', starting with a letter or '-' (HiLens §5.3.2)");
const reference = (what: string) => z.object({ name: refName.describe(`Name of the ${what}.`), key: refKey.describe(`Key in the ${what}.`) });

const env = z
  .object({
    name: rules
      .pattern(/^[A-Za-z_][A-Za-z0-9_]{0,2047}$/, "starts with a letter or '_'; letters, digits and '_'; at most 2048 characters (HiLens §5.3.2 Env)")
      .refine((n) => n !== CONFIG_HASH_ENV, { message: `is reserved for configHash` })
      .describe("Variable name, unique in the app."),
    value: z.string().max(20480, { message: "must be at most 20480 characters (HiLens §5.3.2)" }).optional().describe("A literal value."),
    valueFrom: z
      .object({
        configmap: reference("config map").optional().describe("Read it from this config map entry (set exactly one of configmap and secret)."),
        secret: reference("secret").optional().describe("Read it from this secret entry (set exactly one of configmap and secret)."),
      })
      .refine((v) => !!v.configmap !== !!v.secret, { message: "set exactly one of configmap and secret (HiLens §5.3.2 ValueFrom)" })
      .optional()
      .describe("Read the value from a config map or secret entry when the app starts. Pass `configHash` so a change of that content restarts the app."),
    fieldPath: z.literal("status.hostIP").optional().describe('Only "status.hostIP": the device IP.'),
  })
  .refine((e) => [e.value, e.valueFrom, e.fieldPath].filter((v) => v !== undefined).length === 1, { message: "set exactly one of value, valueFrom and fieldPath (HiLens §5.3.2 Env)" });

// The create/update request tables forbid these; the list/detail tables also name ' " [ ], an
// inconsistency of the document: we check what the request body's own table states.
const ARG = /^[^\^#~$%&*<>(){}]*$/;
const argList = (what: string) =>
  z
    .array(z.string().regex(ARG, { message: "must not contain ^ # ~ $ % & * < > ( ) { } (HiLens §5.3.2)" }))
    .refine((list) => list.join("").length <= 65536, { message: "must total at most 65536 characters (HiLens §5.3.2)" })
    .optional()
    .describe(what);

const probe = z
  .object({
    exec: z
      .object({ command: z.string().min(1).max(10240).regex(ARG, { message: "must not contain ^ # ~ $ % & * < > ( ) { } (HiLens §5.3.2 Exec)" }).describe("Command; at most 10240 characters, none of ^ # ~ $ % & * < > ( ) { }.") })
      .optional()
      .describe("Probe by running a command in the container (set exactly one of exec and httpGet; HiLens §5.3.2 Probe)."),
    httpGet: z
      .object({
        host: z.string().optional().describe("Host (default: the container IP)."),
        path: rules.pattern(/^\//, "starts with '/' (HiLens §5.3.2 HttpGet)").describe("Path."),
        port: z.number().int().min(1).max(65535).describe("Port, 1-65535."),
        scheme: z.enum(["HTTP", "HTTPS"]).optional().describe("HTTP (default) or HTTPS."),
      })
      .optional()
      .describe("Probe with an HTTP GET request (set exactly one of exec and httpGet; HiLens §5.3.2 Probe)."),
    initialDelaySeconds: z.number().int().min(1).max(3600).optional().describe("1-3600, service default 10."),
    timeoutSeconds: z.number().int().min(1).max(3600).optional().describe("1-3600, service default 1."),
  })
  .refine((p) => !!p.exec !== !!p.httpGet, { message: "set exactly one of exec and httpGet (HiLens §5.3.2 Probe)" })
  .optional();

const volume = z
  .object({
    name: rules.pattern(/^[a-z0-9-]{1,63}$/, "1-63 lowercase letters, digits or '-' (HiLens §5.3.2 Volume)").describe("Volume name."),
    type: z.enum(["configMap", "secret", "emptyDir", "hostPath"]).describe("configMap, secret, emptyDir or hostPath (also sent as the document's `key`)."),
    source: z.string().min(1).describe("hostPath: a path starting with '/'; configMap/secret: its name (pass `configHash` to roll on content changes); emptyDir: disk or memory."),
    destination: rules.pattern(/^\//, "an absolute path (HiLens §5.3.2 Volume)").describe("Mount path in the container."),
    readOnly: z.boolean().describe("Read-only mount; configMap and secret volumes must be read-only."),
  })
  .superRefine((v, issue) => {
    const bad = (message: string, path: string) => fieldIssue(issue, [path], `${message} (HiLens §5.3.2 Volume)`);
    if (v.type === "emptyDir" && v.source !== "disk" && v.source !== "memory") bad("must be disk or memory for emptyDir", "source");
    if (v.type === "hostPath" && !/^\/[A-Za-z0-9\\/_.-]*$/.test(v.source)) bad("must be a path starting with '/' of letters, digits, '-', '\\', '_', '.'", "source");
    if ((v.type === "configMap" || v.type === "secret") && !CONFIG_MAP_NAME.test(v.source)) bad(`must be a ${v.type} name`, "source");
    if ((v.type === "configMap" || v.type === "secret") && !v.readOnly) bad(`${v.type} volumes are read-only`, "readOnly");
  });

const port = z
  .object({
    containerPort: z.number().int().min(1).max(65535).describe("Container port."),
    hostIp: z.string().optional().describe("Host NIC address."),
    hostPort: z.number().int().min(1).max(65535).optional().describe("Host port; or hostPortRange."),
    hostPortRange: z.object({ minPort: z.number().int().min(1).max(65535).describe("Lowest port of the range, 1-65535."), maxPort: z.number().int().min(1).max(65535).describe("Highest port of the range, 1-65535; greater than minPort.") }).refine((r) => r.maxPort > r.minPort, { message: "maxPort must be greater than minPort" }).optional().describe("Pick a free host port in this range."),
  })
  .refine((p) => p.hostPort === undefined || p.hostPortRange === undefined, { message: "set hostPort or hostPortRange, not both (HiLens §5.3.2)" });

const app = z.object({
  name: rules.pattern(APP_NAME, APP_NAME_RULE).describe("App (container) name; for market sources also the skill name."),
  appUrl: z.string().min(1).describe("Image address or OBS address of the app."),
  version: rules.pattern(/^[A-Za-z0-9_.-]{0,128}$/, "at most 128 letters, digits, '_', '.', '-' (HiLens §5.3.2)").optional().describe("App (model) version."),
  command: argList("Container command."),
  args: argList("Container arguments."),
  envs: z.array(env).optional().refine((list) => !list || new Set(list.map((e) => e.name)).size === list.length, { message: "env names must be unique" }).describe("Environment variables: literal, from a config map or secret, or the device IP."),
  msgs: z.array(env).optional().describe("Message variables (same rules as envs)."),
  ports: z.array(port).optional().describe("Port mappings (when hostNetwork is false)."),
  privileged: z.boolean().optional().describe("Privileged container (service default false)."),
  volumes: z.array(volume).optional().describe("Volumes."),
  resources: resources.describe("Resource limits and requests (required)."),
  livenessProbe: probe.describe("Liveness probe."),
  readinessProbe: probe.describe("Readiness probe."),
  npuType: z.enum(["D310", "D910"]).optional().describe("NPU type (service default D310)."),
  isModelbox: z.boolean().optional().describe("Whether the image is a ModelBox image."),
  appOrderId: z.string().optional().describe("App order ID (market sources)."),
  channelLimit: z.number().int().min(0).max(1000).optional().describe("Maximum camera channels, 0-1000."),
  channelUpperLimit: z.number().int().min(0).max(1000).optional().describe("User-settable channel upper limit, 0-1000."),
  startResources: resources.optional().describe("Resources when starting."),
  channelResources: resources.optional().describe("Resources per additional channel."),
  skillProjectId: z.string().optional().describe("Skill project ID (skill sources)."),
});

const matchExpression = z.object({
  key: z.string().describe("Label."),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]).describe("Operator."),
  values: z.array(z.string()).default([]).describe("In/NotIn: non-empty; Exists/DoesNotExist: empty; Gt/Lt: one integer."),
});

const template = z.object({
  configs: z
    .object({
      hostNetwork: z.boolean().default(false).describe("Use the host network (false: port mapping)."),
      restartPolicy: z.enum(["Always", "OnFailure", "Never"]).describe("Always, OnFailure or Never (required)."),
      hostPid: z.boolean().optional().describe("Share the host PID namespace."),
      migration: z.boolean().optional().describe("Migrate on failure (node groups)."),
      tolerationSeconds: z.number().int().min(0).optional().describe("Failure tolerance before migration (node groups)."),
    })
    .describe("Pod settings (§5.3.2 PodConfig)."),
  apps: z.array(app).min(1, { message: "at least one app is required (HiLens §5.3.2)" }).describe("The apps (containers or RPM packages)."),
  affinity: z.object({ nodeAffinity: z.array(matchExpression).optional().describe("Node affinity rules: devices to run on (HiLens §5.3.2 Affinity, node_affinity)."), podAffinity: z.array(matchExpression).optional().describe("Pod affinity rules: instances to run beside (HiLens §5.3.2 Affinity, pod_affinity).") }).optional().describe("Scheduling affinity."),
});

const inputs = z
  .object({
    name: rules.pattern(APP_NAME, APP_NAME_RULE).describe("Deployment name, unique in the project. Changing it replaces the deployment."),
    description: descriptionField("§5.3.2"),
    source: z.enum(["hlm", "aig", "userdefined"]).default("userdefined").describe("hlm (HiLens market), aig (AI Gallery) or userdefined (default). Changing it replaces the deployment."),
    replicas: z.number().int().min(1).max(99, { message: "must be less than 100 (HiLens §5.3.2)" }).default(1).describe("Instances (less than 100). Create and update wait until this many are ready."),
    template: template.describe("What runs (§5.3.2 PodRequest): the apps and their settings. A change restarts the instances (§5.3.4)."),
    nodeIds: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Target devices. Changed in place: an added device gets an instance (batch deploy, §5.3.10); a removed device's instance is deleted (§5.3.7) and the deployment stops targeting it, while the instances on the other devices keep running, untouched."),
    nodeTags: deploymentTagList.optional().describe("Target devices by tag instead of nodeIds (§5.3.2 node_tags); with nodeNum. Changing it replaces the deployment."),
    nodeNum: z.number().int().min(1).optional().describe("How many devices carrying nodeTags to deploy to. Changing it replaces the deployment."),
    pausedNodeIds: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Devices (of nodeIds) whose instance is stopped: each is paused (§5.3.8 `pause`) and stays part of the deployment; removing a device from this list resumes its instance (`resume`). Changed in place. A paused instance is not ready, so create and update wait for `replicas` minus the paused ones. Read back from the instances (§5.3.9): the service has no paused status, so an instance reported `Succeeded` (ended on purpose) while its deployment runs counts as paused.",
      ),
    tags: deploymentTagList.default([]).describe("Deployment tags (§5.3.2), reconciled with the tag API (§5.7) and read from it: console edits show as drift on refresh."),
    licenseQuota: z.number().int().min(0).optional().describe("License quota this deployment uses (§5.3.2). Changing it replaces the deployment."),
    svcOrderId: z.string().optional().describe("Order ID of the app-management service purchase. Changing it replaces the deployment."),
    configHash: z
      .string()
      .optional()
      .describe(
        `Hash of the config maps and secrets the apps read (env valueFrom, volumes): apps read those at start, so a change to them alone would not reach running apps. Set it to \`hilens.configHash(configMap, secret, ...)\` (config map entries, and each secret's ID and update time: secret values are never hashed); it is sent as the env var ${CONFIG_HASH_ENV} of every app, so a change is a template change that restarts the instances (§5.3.4), and they start with the new values.`,
      ),
    awaitTimeouts: awaitTimeoutsField,
    skipAwait: skipAwaitField,
    importId: importIdField,
  })
  .superRefine((d, issue) => {
    if ((d.nodeIds === undefined) === (d.nodeTags === undefined)) fieldIssue(issue, ["nodeIds"], "set exactly one of nodeIds and nodeTags (HiLens §5.3.2)");
    if (d.nodeNum !== undefined && d.nodeTags === undefined) fieldIssue(issue, ["nodeNum"], "only applies with nodeTags (HiLens §5.3.2)");
    // Checked where both lists are known: an unknown ID (a device created in the same run) is not invalid.
    if (isKnownList(d.nodeIds) && isKnownList(d.pausedNodeIds)) {
      d.pausedNodeIds.forEach((id, i) => {
        if (!d.nodeIds!.includes(id)) fieldIssue(issue, ["pausedNodeIds", i], `must be one of nodeIds: ${id} is not a target device (HiLens §5.3.8 pauses an instance of the deployment)`);
      });
    }
  });

// The refinement runs on lists of strings only (zod skips it when an element is not one); the unknown marker is a string too.
const isKnownList = (list: unknown): list is string[] => Array.isArray(list) && list.every((id) => id !== UNKNOWN);

const outputs = z.object({
  state: z.string().describe("RUNNING, CREATING, CREATE_FAILED, STARTING, START_FAILED, ... (§5.3)."),
  reason: z.string().optional().describe("Why the deployment failed, when it did."),
  readyReplicas: z.number().describe("Ready instances."),
  deployedNodeIds: z.array(z.string()).describe("The devices it is deployed to (from nodeIds, or chosen by nodeTags)."),
  result: z.array(z.object({ nodeId: z.string(), errorCode: z.string().optional(), errorMessage: z.string().optional() })).optional().describe("Per-device result."),
  projectId: z.string().optional().describe("Project ID."),
  createdAt: z.string().optional().describe("Creation time."),
  updatedAt: z.string().optional().describe("Last update time."),
});

type Inputs = z.infer<typeof inputs>;
const item = "/v3/{project_id}/ai-mgr/deployments/{id}";

/** The apps as sent: volumes carry the document's required `key` (the type again), every app the config hash. */
function templateBody(i: Inputs): unknown {
  const t = toSnake<any>(i.template);
  for (const a of t.apps) {
    a.volumes = a.volumes?.map((v: any) => ({ ...v, key: v.type }));
    if (i.configHash !== undefined) a.envs = [...(a.envs ?? []), { name: CONFIG_HASH_ENV, value: i.configHash }];
  }
  return { replicas: i.replicas, template: t };
}

function stateOf(d: any): Props {
  const c = toCamel(d);
  return compact({
    state: c.state,
    reason: c.reason,
    readyReplicas: c.readyReplicas ?? 0,
    deployedNodeIds: c.nodeIds ?? [],
    result: c.result?.map((r: any) => compact(r)),
    projectId: c.projectId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });
}

/** The live template without the injected hash, seen through the declared shape; the hash separately. */
function liveTemplate(d: any, declared: Inputs["template"] | undefined): { template: unknown; configHash?: string } {
  const t = toCamel<any>(d.template ?? {});
  let configHash: string | undefined;
  for (const a of t.apps ?? []) {
    configHash ??= a.envs?.find((e: any) => e.name === CONFIG_HASH_ENV)?.value;
    a.envs = a.envs?.filter((e: any) => e.name !== CONFIG_HASH_ENV);
  }
  return { template: declared ? projectOnto(declared, t) : t, configHash };
}

async function get(ctx: Context, id: string): Promise<any> {
  return ctx.hilens.call(`GET ${item}`, { id });
}

/** Create and update wait for RUNNING with every replica ready but the paused ones, or fail with the deployment's reason. */
async function awaitReady(ctx: Context, id: string, i: Inputs, op: "create" | "update"): Promise<Props> {
  if (i.skipAwait) return stateOf(await get(ctx, id));
  const result = await waitFor(ctx, `deployment ${i.name}`, timeoutFor(i, op, DEFAULT_TIMEOUT_MS), async () => {
    const d = await get(ctx, id);
    const failed = FAILED.includes(d.state);
    const wanted = Math.max(0, d.replicas - i.pausedNodeIds.length);
    return {
      done: d.state === "RUNNING" && d.ready_replicas >= wanted,
      failure: failed ? `${d.state}: ${d.reason ?? "no reason given"}` : undefined,
      status: `${d.state}, ${d.ready_replicas ?? 0}/${wanted} ready`,
      value: d,
    };
  });
  if (!result.ok) throw new NotReadyError(`edgeai:hilens:Deployment "${i.name}" (${id}) did not become ready: ${result.reason}`, id, stateOf(result.value));
  return stateOf(result.value);
}

// Stryker disable next-line OptionalChaining: equivalent, a list is absent only when both are (devices chosen by nodeTags; a change between nodeTags and nodeIds replaces the deployment), and an empty one filters nothing.
const added = (olds: string[] | undefined, news: string[] | undefined) => (news ?? []).filter((id) => !olds?.includes(id));

/** §5.3.9: the deployment's instances (one per device). */
async function instancesOf(ctx: Context, id: string): Promise<any[]> {
  return ctx.hilens.listAll<any>("GET /v3/{project_id}/ai-mgr/pods", "pods", { query: { deployment_id: id } });
}

/** The devices whose instance is paused: reported `Succeeded` (ended on purpose, §5.3.9) while the deployment is not being deleted. */
function pausedNodes(deployment: any, instances: any[]): string[] {
  return deployment.state === "DELETING" ? [] : instances.filter((p) => p.status === "Succeeded").map((p) => p.node_id);
}

/**
 * Deletes the instances on the devices no longer targeted (§5.3.7) and pauses or resumes the
 * others whose live state differs from `pausedNodeIds` (§5.3.8). Safe to repeat: it acts on what
 * the instance list shows now, and an instance already deleted is absent from it.
 */
async function reconcileInstances(ctx: Context, id: string, name: string, targets: string[] | undefined, paused: string[]): Promise<void> {
  const live = await get(ctx, id);
  const instances = await instancesOf(ctx, id);
  const livePaused = pausedNodes(live, instances);
  for (const pod of instances) {
    const path = { id, pod_id: pod.id };
    if (targets && !targets.includes(pod.node_id)) await ctx.hilens.call(`DELETE ${item}/{pod_id}`, path);
    else if (paused.includes(pod.node_id) !== livePaused.includes(pod.node_id)) await ctx.hilens.call(`POST ${item}/{pod_id}/action/{action}`, { ...path, action: paused.includes(pod.node_id) ? "pause" : "resume" }, { idempotent: true });
  }
  const missing = paused.filter((nodeId) => !instances.some((p) => p.node_id === nodeId));
  // Only knowable here when the devices are chosen by nodeTags (check compares with nodeIds).
  if (missing.length) throw new InputError(`edgeai:hilens:Deployment "${name}" (${id}): field "pausedNodeIds": the deployment has no instance on ${missing.join(", ")}`);
}

/** Only the config hash changed (to a new value): §5.3.6 PATCH sets that one variable in every app; a removed hash needs the whole template. */
const onlyHashChanged = (olds: Inputs, news: Inputs) =>
  olds.configHash !== news.configHash && news.configHash !== undefined && olds.replicas === news.replicas && isDeepStrictEqual(olds.template, news.template);

export const deploymentDefinition = defineResource({
  service: "hilens",
  name: "Deployment",
  description:
    "A HiLens deployment (§5.3): apps running on a set of devices. Create and update wait until it is RUNNING with every replica ready (limits from `customTimeouts`; `skipAwait` turns waiting off) and fail with its reason otherwise; delete waits until it is gone.",
  inputs,
  outputs,
  immutable: ["name", "source", "nodeTags", "nodeNum", "licenseQuota", "svcOrderId"],
  uniqueName: "name",
  identity: {
    by: "name",
    doc: "its name, unique in the project (§5.3.2)",
    find: async (ctx, i) => (await idsByName(ctx, "GET /v3/{project_id}/ai-mgr/deployments", "deployments", i.name))[0],
    // Instances are paused by the step after the create (§5.3.8).
    setAfterCreate: ["pausedNodeIds"],
  },
  advice: (d) => {
    // Stryker disable next-line ArrayDeclaration: equivalent, a made-up element has no envs or volumes, so it reads nothing, as no apps do.
    const reads = (d.template?.apps ?? []).some((a) => a.envs?.some((e) => e.valueFrom) || a.volumes?.some((v) => v.type === "configMap" || v.type === "secret"));
    return reads && d.configHash === undefined
      ? ["this deployment reads config maps or secrets but has no configHash: changing them will not restart its apps, which read them at start. Set configHash: hilens.configHash(configMap, secret, ...)."]
      : [];
  },
  api: {
    async create(ctx, i) {
      const body = compact({
        name: i.name,
        description: i.description,
        source: i.source,
        deployment: templateBody(i),
        node_ids: i.nodeIds,
        node_tags: i.nodeTags,
        node_num: i.nodeNum,
        tags: i.tags,
        license_quota: i.licenseQuota,
        svc_order_id: i.svcOrderId,
      });
      const created = await ctx.hilens.call("POST /v3/{project_id}/ai-mgr/deployments", {}, { body });
      return {
        id: created.id,
        state: await afterCreate(created.id, {}, async () => {
          if (i.pausedNodeIds.length) await reconcileInstances(ctx, created.id, i.name, undefined, i.pausedNodeIds);
          return awaitReady(ctx, created.id, i, "create");
        }),
      };
    },
    async read(ctx, id, declared) {
      const d = await get(ctx, id);
      const { template, configHash } = liveTemplate(d, declared.template);
      const paused = pausedNodes(d, await instancesOf(ctx, id));
      return {
        inputs: compact({
          name: d.name,
          description: d.description || undefined,
          source: d.source,
          replicas: d.replicas,
          template,
          nodeIds: declared.nodeTags ? undefined : d.node_ids,
          pausedNodeIds: paused,
          tags: await liveTags(ctx, "deployment", id, declared.tags),
          configHash,
        }) as Partial<Inputs>,
        state: stateOf(d),
      };
    },
    async update(ctx, id, olds, news) {
      const live = await get(ctx, id);
      // A failed deployment is redeployed even without changes: that is how a second `up` retries it.
      const failed = FAILED.includes(live.state);
      const patchHash = !failed && onlyHashChanged(olds, news);
      const restart = failed || olds.replicas !== news.replicas || olds.configHash !== news.configHash || !isDeepStrictEqual(olds.template, news.template);
      await ctx.hilens.call(`PUT ${item}`, { id }, { body: { description: news.description ?? "", tags: news.tags, ...(restart && !patchHash ? { deployment: templateBody(news) } : {}) } });
      if (patchHash) await ctx.hilens.call(`PATCH ${item}`, { id }, { body: { patch: { envs: [{ name: CONFIG_HASH_ENV, value: news.configHash }] } } });
      const more = added(olds.nodeIds, news.nodeIds);
      if (more.length) await ctx.hilens.call(`PUT ${item}/nodes`, { id }, { body: { deployment_id: id, node_ids: more, node_num: more.length } });
      // Pauses are compared with the live instances whenever any is declared (or was: olds.pausedNodeIds is absent in
      // states written before the field existed): the update that finishes a partial create has olds equal to news.
      // Stryker disable next-line OptionalChaining: equivalent, as in `added`: news has no nodeIds only when olds has none to look for.
      const removed = (olds.nodeIds ?? []).some((nodeId) => !news.nodeIds?.includes(nodeId));
      if (removed || news.pausedNodeIds.length || (olds.pausedNodeIds ?? []).length) await reconcileInstances(ctx, id, news.name, news.nodeIds, news.pausedNodeIds);
      await reconcileTags(ctx.hilens, "deployment", id, news.tags);
      return restart || more.length ? awaitReady(ctx, id, news, "update") : stateOf(await get(ctx, id));
    },
    async delete(ctx, id, i) {
      await ctx.hilens.call(`DELETE ${item}`, { id });
      if (i.skipAwait) return;
      const result = await waitFor(ctx, `deployment ${i.name}`, timeoutFor(i, "delete", DEFAULT_TIMEOUT_MS), async () => {
        try {
          const d = await get(ctx, id);
          return { done: false, failure: d.state === "DELETE_FAILED" ? `DELETE_FAILED: ${d.reason ?? "no reason given"}` : undefined, status: d.state, value: d };
        } catch (err) {
          if (isNotFound(err)) return { done: true, status: "deleted", value: undefined };
          throw err;
        }
      });
      if (!result.ok) throw new Error(`edgeai:hilens:Deployment "${i.name}" (${id}) was not deleted: ${result.reason}`);
    },
  },
});


/** What `configHash` hashes: a ConfigMap or a Secret (or anything shaped like one). */
export interface HashSource {
  name?: pulumi.Input<string>;
  /** Config map entries: hashed as they are. */
  configs?: pulumi.Input<{ key: pulumi.Input<string>; value: pulumi.Input<string> }[]>;
  /** The object's ID and last update time: a new secret value changes `updatedAt`. */
  id?: pulumi.Input<string>;
  updatedAt?: pulumi.Input<string | undefined>;
}

/**
 * A hash of what config maps and secrets hold, for a Deployment's `configHash`: it changes when
 * any of them changes, which restarts the deployment's instances. Secret values are never hashed
 * (the hash travels in clear as an environment variable): a secret counts by its ID and
 * `updatedAt`, which the service moves on every change.
 */
export function configHash(...sources: HashSource[]): pulumi.Output<string> {
  const fingerprints = sources.map((s) => pulumi.output({ name: s.name, configs: s.configs, id: s.id, updatedAt: s.updatedAt }));
  return pulumi.all(fingerprints).apply((all) => createHash("sha256").update(JSON.stringify(all)).digest("hex").slice(0, 32));
}

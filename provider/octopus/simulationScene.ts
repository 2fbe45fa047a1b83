import { z } from "zod";
import type { HuaweiServiceClient } from "../client/huawei";
import { unlessNotFound } from "../client/errors";
import { afterCreate, type Context, defineResource, importIdField, type Props, type ResourceApi } from "../framework/definition";
import { compact } from "../framework/case";
import { oneOf, text } from "./common";
import { SCENARIO_PRIORITIES, SCENARIO_SOURCES, SCENARIO_VERSIONS, SIMULATORS } from "./sceneEnums";
import { SIM_BASE, fileInput, fileOutputs, fileReadyInput, fileState, patchFile } from "./simFiles";

const SCENARIOS = `${SIM_BASE}/scenarios`;

const inputs = z
  .object({
    name: text({ min: 1, max: 256, section: "§4.18.2" }).describe("Scene name, unique in the project: 1-256 characters (Octopus §4.18.2; a duplicate is refused with octopus.107001). Changing it replaces the scene."),
    simulator: oneOf(SIMULATORS, "§4.18.2 simulator").describe(`Simulator the scene runs on: ${SIMULATORS.join(" or ")} (Octopus §4.18.2). Changing it replaces the scene.`),
    version: oneOf(SCENARIO_VERSIONS, "§4.18.2 version").describe(`OpenSCENARIO version of the scene file: ${SCENARIO_VERSIONS.join(", ")} (Octopus §4.18.2). Changing it replaces the scene.`),
    description: text({ max: 16_777_216, section: "§4.18.2 description.content" })
      .optional()
      .describe("Description (sent as `description.content`, at most 16777216 characters, Octopus §4.18.2). Changing it replaces the scene."),
    priority: z
      .union(SCENARIO_PRIORITIES.map((p) => z.literal(p)) as unknown as [z.ZodLiteral<120>, z.ZodLiteral<100>, z.ZodLiteral<80>, z.ZodLiteral<60>, z.ZodLiteral<40>], {
        message: `must be one of ${SCENARIO_PRIORITIES.join(", ")} (S, A, B, C, D; Octopus §4.18.2 priority)`,
      })
      .optional()
      .describe("Simulation priority: 120 (S), 100 (A), 80 (B), 60 (C) or 40 (D); higher runs first (Octopus §4.18.2; the service's default is 40). Changing it replaces the scene."),
    map: z.string().min(1).optional().describe("Resource address of the scene's map: an `octopus.SceneMap`'s `url` (Octopus §4.18.2). Changing it replaces the scene."),
    mapFilename: text({ max: 255, section: "§4.18.2" }).optional().describe("File name of the OpenDRIVE map: at most 255 characters (Octopus §4.18.2). Changing it replaces the scene."),
    model: z.string().min(1).optional().describe("Resource address of the scene's 3D model (Octopus §4.18.2). Changing it replaces the scene."),
    modelFilename: text({ max: 255, section: "§4.18.2" }).optional().describe("File name of the map's 3D model (OSGB): at most 255 characters (Octopus §4.18.2). Changing it replaces the scene."),
    source: oneOf(SCENARIO_SOURCES, "§4.18.2 source").optional().describe(`Where the scene comes from: ${SCENARIO_SOURCES.join(", ")} (Octopus §4.18.2; UPLOAD for scenes made by users). Changing it replaces the scene.`),
    file: fileInput("§4.18.3", "OpenSCENARIO scene file (.xosc)")
      .optional()
      .describe(
        "The scene file (.xosc), registered on the scene by §4.18.3; a new file (another sha256) is registered in place. Upload it to `putUrl`, then set `fileReady`. Removing it leaves the last file on the scene (no call takes a file off a scene).",
      ),
    fileReady: fileReadyInput("§4.18.4", "scene file"),
    importId: importIdField,
  })
  .refine((s) => !s.fileReady || s.file !== undefined, { path: ["fileReady"], message: "needs `file`: only a scene file can be marked ready (Octopus §4.18.4)" });

const outputs = z.object({
  url: z.string().describe("The scene's resource address."),
  status: z.number().describe("0 Released, 1 Available, 10 Initial, 11 Unavailable, 12 Releasing, 100 Deprecated (§4.18.1), live on refresh."),
  filename: z.string().optional().describe("Name of the scene file the service holds."),
  userId: z.string().optional().describe("ID of the user who created the scene."),
  userName: z.string().optional().describe("Name of the user who created the scene."),
  createdAt: z.number().describe("Creation time (seconds since epoch, as the service answers)."),
  updatedAt: z.number().describe("Last update time (seconds since epoch)."),
  fileUrl: fileOutputs.fileUrl.optional(),
  fileReady: fileOutputs.fileReady.optional(),
  putUrl: fileOutputs.putUrl,
  postUrl: fileOutputs.postUrl,
  postFields: fileOutputs.postFields,
  getUrl: fileOutputs.getUrl,
  expire: fileOutputs.expire,
});

type Inputs = z.infer<typeof inputs>;

/** §4.18.1 with the `id` filter: there is no detail call. */
async function findScene(client: HuaweiServiceClient, query: Record<string, string>): Promise<any[]> {
  const body = await client.call(`GET ${SCENARIOS}`, {}, { query: { ...query, limit: 100 } });
  return body?.results ?? [];
}

const sceneState = (s: any) => compact({ url: s.url, status: s.status, filename: s.filename ?? s.file?.filename, userId: s.user_id, userName: s.user_name, createdAt: s.created_at, updatedAt: s.updated_at });

/** Registers the scene's file (§4.18.3) and marks it ready (§4.18.4) as the program says; answers the file's outputs. */
async function syncFile(ctx: Context, id: string, i: Inputs, registered: boolean): Promise<Props> {
  if (!i.file) return {};
  let file = registered ? undefined : await ctx.octopus.call(`POST ${SCENARIOS}/{parent_lookup_id}/files`, { parent_lookup_id: id }, { body: { sha256: i.file.sha256, filename: i.file.filename } });
  const ready = file?.ready;
  if (ready !== i.fileReady) file = { ...file, ...(await patchFile(ctx.octopus, "/scenarios", id, i.file.sha256, { ready: i.fileReady })) };
  return { ...fileState(file), filename: file.filename };
}

const api: ResourceApi<Inputs> = {
  async create(ctx, i) {
    const scene = await ctx.octopus.call(`POST ${SCENARIOS}`, {}, {
      body: compact({
        name: i.name,
        simulator: i.simulator,
        version: i.version,
        // §4.18.2 marks `description` required; an empty content stands for "none".
        description: { content: i.description ?? "" },
        priority: i.priority,
        map: i.map,
        map_filename: i.mapFilename,
        model: i.model,
        model_filename: i.modelFilename,
        source: i.source,
      }),
    });
    const id = String(scene.id);
    const state = sceneState(scene);
    if (!i.file) return { id, state };
    const file = await afterCreate(id, state, () => syncFile(ctx, id, i, false));
    // The status follows the file (Initial until it is ready): read it again after marking it.
    const [live] = await afterCreate(id, { ...state, ...file }, () => findScene(ctx.octopus, { id }));
    return { id, state: { ...state, ...file, ...(live ? sceneState(live) : {}) } };
  },
  async read(ctx, id, i) {
    const [s] = await findScene(ctx.octopus, { id });
    if (!s) return undefined;
    const live: Partial<Inputs> = {
      name: s.name,
      simulator: s.simulator,
      version: s.version,
      priority: s.priority,
      map: s.map ?? undefined,
      mapFilename: s.map_filename ?? undefined,
      model: s.model ?? undefined,
      modelFilename: s.model_filename ?? undefined,
      source: s.source,
    };
    // Without the program's file (an import), a scene's file is read only by its name (§4.18.1), not
    // by the sha256 that §4.18.4 needs: whether it is ready is known only when there is none.
    if (!i.file) return { inputs: s.filename ? live : { ...live, fileReady: false }, state: sceneState(s) };
    // The list shows the file's name only (§4.18.1): its state comes from the file itself; a 404 means the scene holds another file.
    const file = await unlessNotFound(patchFile(ctx.octopus, "/scenarios", id, i.file.sha256));
    return {
      inputs: { ...live, file: file && s.filename === file.filename ? { sha256: file.sha256, filename: file.filename } : undefined, fileReady: file?.ready ?? false },
      state: { ...sceneState(s), ...fileState(file) },
    };
  },
  async update(ctx, id, olds, news) {
    const sameFile = olds.file?.sha256 === news.file?.sha256 && olds.file?.filename === news.file?.filename;
    const file = await syncFile(ctx, id, news, sameFile);
    const [live] = await findScene(ctx.octopus, { id });
    return { ...file, ...(live ? sceneState(live) : {}) };
  },
  // §4.18 documents no delete: destroy only forgets the scene.
  async delete() {},
};

export const simulationSceneDefinition = defineResource({
  service: "octopus",
  name: "SimulationScene",
  description:
    "An OpenSCENARIO simulation scene (§4.18) with its scene file: the file (§4.18.3) is an input of the scene, not a resource of its own, because a scene holds exactly one file (the scene answer's `file`) and the file has no list, read or delete of its own. Upload the file to `putUrl`, then set `fileReady: true` (§4.18.4); the scene's `status` turns from 10 (Initial) to 1 (Available). §4.18 has no update or delete of the scene: every scene field replaces it, and **destroy only removes the scene from the stack** — it stays in Octopus, so a replacement needs a new `name` (names are unique).",
  inputs,
  outputs,
  immutable: ["name", "simulator", "version", "description", "priority", "map", "mapFilename", "model", "modelFilename", "source"],
  uniqueName: "name",
  identity: {
    by: "name",
    doc: "its name, unique in the project (a duplicate is refused with 400 octopus.107001, Octopus §4.18 / table 7-3)",
    // The file is registered and marked ready by the steps after the scene's create (§4.18.3-4.18.4).
    setAfterCreate: ["file", "fileReady"],
    find: async (ctx, i) => {
      const [s] = (await findScene(ctx.octopus, { name: i.name })).filter((s) => s.name === i.name);
      return s === undefined ? undefined : String(s.id);
    },
  },
  api,
});

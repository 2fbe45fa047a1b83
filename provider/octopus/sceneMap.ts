import { z } from "zod";
import { afterCreate, defineResource, importIdField, type ResourceApi } from "../framework/definition";
import { compact } from "../framework/case";
import { oneOf } from "./common";
import { MAP_VERSIONS } from "./sceneEnums";
import { SIM_BASE, fileInput, fileOutputs, fileReadyInput, fileState, patchFile } from "./simFiles";

const inputs = z.object({
  version: oneOf(MAP_VERSIONS, "§4.19.1 version").describe(
    `OpenDRIVE version of the map file: ${MAP_VERSIONS.join(", ")} (Octopus §4.19.1). Changing it replaces the map. The service never answers it after the create (§4.19 has no read): an imported map takes the program's value.`,
  ),
  file: fileInput("§4.19.1", "OpenDRIVE map file (.xodr)").describe("The OpenDRIVE map file (.xodr) (Octopus §4.19.1 `file`). Changing it replaces the map."),
  agreementConfirm: z
    .literal(true, { message: "must be true: creating a map requires agreeing to the disclaimer (Octopus §4.19.1; the service refuses otherwise with octopus.102004)" })
    .describe("Agreement to the disclaimer; must be true (Octopus §4.19.1). Never answered after the create: an imported map takes the program's value."),
  fileReady: fileReadyInput("§4.19.2", "map file"),
  importId: importIdField.describe("ID of an existing scene map to adopt instead of creating one (our `pulumi import`); its file must be `file`."),
});

const outputs = z.object({
  url: z.string().describe("The map's resource address, /v2/{project_id}/sim/sm/maps/{id}/ (§4.19.1): what `octopus.SimulationScene` takes as `map`."),
  createdAt: z.number().optional().describe("Creation time (seconds since epoch, as the create answers; absent for an imported map: no call reads it)."),
  ...fileOutputs,
});

type Inputs = z.infer<typeof inputs>;

/** A map's resource address, as §4.19.1 answers it (`/v2/my_project_id/sim/sm/maps/2631662/`). */
const mapUrl = (projectId: string | undefined, id: string) => `/v2/${projectId}/sim/sm/maps/${id}/`;

const api: ResourceApi<Inputs> = {
  async create(ctx, i) {
    const map = await ctx.octopus.call(`POST ${SIM_BASE}/maps`, {}, { body: { version: i.version, file: { sha256: i.file.sha256, filename: i.file.filename }, agreement_confirm: i.agreementConfirm } });
    const id = String(map.id);
    const state = compact({ url: map.url, createdAt: map.created_at, ...fileState(map.file) });
    if (!i.fileReady || map.file?.ready) return { id, state };
    return { id, state: { ...state, ...fileState(await afterCreate(id, state, () => patchFile(ctx.octopus, "/maps", id, i.file.sha256, { ready: true }))) } };
  },
  async read(ctx, id, i) {
    // §4.19 reads a map only through its file's sha256 (an import ID carries it: `importScope`).
    const file = await patchFile(ctx.octopus, "/maps", id, i.file.sha256);
    // The map's own fields cannot be read (no GET, §4.19): version and agreement are the program's
    // (`unreadable`: absent on an import); its address is the one §4.19.1 answers for every map.
    return {
      inputs: { version: i.version, agreementConfirm: i.agreementConfirm, file: { sha256: file.sha256, filename: file.filename }, fileReady: file.ready },
      state: { url: mapUrl(ctx.config.projectId, id), ...fileState(file) },
    };
  },
  async update(ctx, id, _olds, news) {
    return fileState(await patchFile(ctx.octopus, "/maps", id, news.file.sha256, { ready: news.fileReady }));
  },
  // §4.19 documents no delete: destroy only forgets the map.
  async delete() {},
};

export const sceneMapDefinition = defineResource({
  service: "octopus",
  name: "SceneMap",
  description:
    "An OpenDRIVE scene map for simulation (§4.19): created from the map file's sha256, which the service asks to be uploaded (to `putUrl`, or `postUrl` with `postFields`) unless it has the file already; set `fileReady: true` once uploaded. §4.19 has no read, list or delete call: refresh reads the map's file (a PATCH with no fields), so `pulumi import` takes `<file.sha256>/<id>`; the map's version cannot be read back, and **destroy only removes the map from the stack** — it stays in Octopus.",
  inputs,
  outputs,
  immutable: ["version", "file", "agreementConfirm"],
  importScope: ["file.sha256"],
  unreadable: ["version", "agreementConfirm"],
  identity: {
    by: "none",
    doc: "§4.19 has no way to list or look up maps; if the map was made, adopt it with `importId` (its id is in the Octopus console)",
  },
  api,
});

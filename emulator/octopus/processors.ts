import type { EmuRequest } from "../http";
import { OPERATOR_VISIBILITIES, OUTPUT_TYPES } from "../../provider/octopus/enums";
import { EMULATOR_USER_ID, KIND, TIME_SORTS, NO_BODY, checkFields, defined, fail, field, invalidParam, listPage, insertNumbered, ok, octopusRoute, pathNumber, queryEnum, queryList } from "./common";
import { findRepo, findVersion } from "./imageRepos";
import { nowOf } from "../clock";

const PROCESSORS = "/data/processors";
const PROCESSOR = `${PROCESSORS}/{id}`;

/** `config{command}`: the command is required inside it, at most 500 characters. */
const config = (required: boolean) => field.object({ command: field.text({ min: 1, max: 500, required: true }) }, { required });

/** The operator with this id, or 404 octopus.109001 (also for jobs and imports that name one, §4.12.2, §4.10.2). */
export function processorById(req: EmuRequest, id: number) {
  return req.store.get(req.principal, KIND.processor, String(id)) ?? fail(404, "octopus.109001", `The processor you requested does not exist (${id})`);
}

const processorOrFail = (req: EmuRequest) => processorById(req, pathNumber(req, "id"));

/** The operator's image must exist (the document does not say how a missing one is answered; the image family's 404 is the closest). */
function requireImage(req: EmuRequest, repoId: number, version: number) {
  if (!findRepo(req, repoId)) fail(404, "octopus.007001", `The image not exist or deleted. (image repository ${repoId})`);
  if (!findVersion(req, repoId, version)) fail(404, "octopus.007001", `The image not exist or deleted. (version ${version} of image repository ${repoId})`);
}

export const processorRoutes = [
  octopusRoute("GET", PROCESSORS, "octopus:dataProcessors:list", (req) => {
    const name = req.query.get("name");
    if (name !== null && name.length > 256) invalidParam("name", name, "length must be at most 256");
    const id = req.query.get("id");
    const outputTypes = queryList(req.query, "output_type");
    for (const t of outputTypes) if (!(OUTPUT_TYPES as readonly string[]).includes(t)) invalidParam("output_type", t, `must be one of ${OUTPUT_TYPES.join(", ")}`);
    const sort = queryEnum(req.query, "sort", Object.keys(TIME_SORTS)) ?? "UPDATE_DESC";
    const rows = req.store
      .list(req.principal, KIND.processor)
      .filter((p) => (!id || String(p.id) === id) && (!name || p.name.includes(name)) && (!outputTypes.length || outputTypes.includes(p.output_type)))
      .sort(TIME_SORTS[sort])
      .map((p) => defined(p));
    return listPage(rows, req.query, { max: 200, default: 10 });
  }),

  octopusRoute("POST", PROCESSORS, "octopus:dataProcessors:create", (req) => {
    const b = checkFields(req.body, {
      name: field.text({ min: 1, max: 64, required: true }),
      description: field.text({ max: 256 }),
      output_type: field.oneOf(OUTPUT_TYPES, { required: true }),
      visibility: field.oneOf(OPERATOR_VISIBILITIES, { required: true }),
      image_repo_id: field.integer({ min: 1, required: true }),
      image_version: field.integer({ min: 1, required: true }),
      config: config(true),
    });
    if (req.store.findBy(req.principal, KIND.processor, "name", b.name).length) fail(409, "octopus.109002", `The name of processor already exist ("${b.name}")`);
    requireImage(req, b.image_repo_id!, b.image_version!);
    const id = insertNumbered(req, KIND.processor, {
      user_id: EMULATOR_USER_ID,
      project_id: req.principal,
      output_type: b.output_type,
      config: { command: b.config!.command },
      name: b.name,
      description: b.description,
      visibility: b.visibility,
      image_repo_id: b.image_repo_id,
      image_version: b.image_version,
    });
    return ok({ item: id }, 201);
  }),

  octopusRoute("GET", PROCESSOR, "octopus:dataProcessors:get", (req) => ok({ item: defined(processorOrFail(req)) })),

  // Name and output type cannot change (§4.13.4); the image changes only as a repo id + version pair.
  octopusRoute("PUT", PROCESSOR, "octopus:dataProcessors:update", (req) => {
    const p = processorOrFail(req);
    const b = checkFields(req.body, {
      description: field.text({ max: 256 }),
      visibility: field.oneOf(OPERATOR_VISIBILITIES),
      image_repo_id: field.integer({ min: 1 }),
      image_version: field.integer({ min: 1 }),
      config: config(false),
    });
    if ((b.image_repo_id === undefined) !== (b.image_version === undefined)) invalidParam(b.image_repo_id === undefined ? "image_repo_id" : "image_version", undefined, "image_repo_id and image_version must be sent together");
    if (b.image_repo_id !== undefined) requireImage(req, b.image_repo_id, b.image_version!);
    req.store.put(req.principal, KIND.processor, String(p.id), {
      ...p,
      description: b.description ?? p.description,
      visibility: b.visibility ?? p.visibility,
      image_repo_id: b.image_repo_id ?? p.image_repo_id,
      image_version: b.image_version ?? p.image_version,
      config: b.config ? { command: b.config.command } : p.config,
      update_at: nowOf(req.store),
    });
    return NO_BODY;
  }),

  octopusRoute("DELETE", PROCESSOR, "octopus:dataProcessors:delete", (req) => {
    const p = processorOrFail(req);
    req.store.delete(req.principal, KIND.processor, String(p.id));
    return NO_BODY;
  }),
];

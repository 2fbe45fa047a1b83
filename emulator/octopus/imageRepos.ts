import { randomBytes } from "node:crypto";
import type { EmuRequest } from "../http";
import { REPO_SCOPES, REPO_VISIBILITIES, VERSION_STATUSES } from "../../provider/octopus/enums";
import { EMULATOR_USER_ID, KIND, insertNumbered, NO_BODY, checkFields, defined, fail, field, invalidParam, listPage, nextId, ok, octopusRoute, pathNumber, queryEnum, timingOf } from "./common";
import { nowOf } from "../clock";

const REPOS = "/common/image-registry/image-repos";
const REPO = `${REPOS}/{id}`;
const VERSIONS = `${REPO}/versions`;
const VERSION = `${VERSIONS}/{version}`;

const versionKey = (repoId: number, version: number) => `${repoId}/${version}`;

function imageNotFound(what: string): never {
  return fail(404, "octopus.007001", `The image not exist or deleted. (${what})`);
}

export function findRepo(req: EmuRequest, id: number) {
  return req.store.get(req.principal, KIND.repo, String(id));
}

function repoOrFail(req: EmuRequest) {
  const id = pathNumber(req, "id");
  return findRepo(req, id) ?? imageNotFound(`image repository ${id}`);
}

/**
 * A version's status as of now: a push started by a PUSH account (§4.2.6) lands (or fails) once
 * its time is up. Computed on access, so it survives emulator restarts and needs no timers.
 */
function settled(req: EmuRequest, row: Record<string, any>) {
  if (!row.push || nowOf(req.store) < row.push.settles_at) return row;
  const { push, ...rest } = row;
  return req.store.put(req.principal, KIND.version, versionKey(row.repo_id, row.version), { ...rest, status: push.outcome, update_at: push.settles_at });
}

export function findVersion(req: EmuRequest, repoId: number, version: number) {
  const row = req.store.get(req.principal, KIND.version, versionKey(repoId, version));
  return row && settled(req, row);
}

function versionsOf(req: EmuRequest, repoId: number) {
  return req.store
    .list(req.principal, KIND.version)
    .filter((v) => v.repo_id === repoId)
    .map((v) => settled(req, v))
    .sort((a, b) => b.version - a.version);
}

function versionOrFail(req: EmuRequest) {
  const repo = repoOrFail(req);
  const version = pathNumber(req, "version");
  return { repo, row: findVersion(req, repo.id, version) ?? imageNotFound(`version ${version} of image repository ${repo.id}`) };
}

/** `url`/`path` of a version: the documented shape, host included (§4.2.3, §Inconsistencies 5). */
const imagePath = (projectId: string, repoId: number, version: number) => `swr.cn-north-1.myhuaweicloud.com/octopus-${projectId}/image-${repoId}:v${version}.0`;

/** `version_num` counts the versions in `status` when the list is filtered by it (§4.1.1). */
function renderRepo(req: EmuRequest, repo: Record<string, any>, status?: string) {
  const { version_seq, ...fields } = repo;
  const versions = versionsOf(req, repo.id).filter((v) => !status || v.status === status);
  return defined({ ...fields, version_num: versions.length });
}

function renderVersion(row: Record<string, any>) {
  const { push, ...fields } = row;
  return defined(fields);
}

/** Operators (§4.13) that run an image of this repository (and version, when given). */
function holders(req: EmuRequest, repoId: number, version?: number) {
  return req.store.list(req.principal, KIND.processor).filter((p) => p.image_repo_id === repoId && (version === undefined || p.image_version === version));
}

/**
 * §4.1.4/§4.2.4 document no 409, yet an image that operators run cannot vanish under them: the
 * emulator answers the generic "in use" 409 of table 7-3, with its text only (the service names
 * nothing; the provider looks the operators up itself).
 */
function refuseIfUsed(req: EmuRequest, repoId: number, version?: number) {
  if (holders(req, repoId, version).length) fail(409, "octopus.000143", "The resource you requested is already in use, or the resource is bound to another resource");
}

function nameTaken(req: EmuRequest, name: string, exceptId?: number) {
  if (req.store.findBy(req.principal, KIND.repo, "name", name).some((r) => r.id !== exceptId)) fail(409, "octopus.000142", `Resource has already existed: an image repository named "${name}" exists`);
}

export const imageRepoRoutes = [
  octopusRoute("GET", REPOS, "octopus:imageRepo:list", (req) => {
    const scope = queryEnum(req.query, "scope", REPO_SCOPES);
    const visibility = queryEnum(req.query, "visibility", REPO_VISIBILITIES);
    const status = queryEnum(req.query, "status", VERSION_STATUSES);
    const name = req.query.get("name");
    if (name !== null && (name.length < 1 || name.length > 64)) invalidParam("name", name, "length must be 1-64");
    const rows = req.store
      .list(req.principal, KIND.repo)
      .filter((r) => (!scope || r.scope === scope) && (!visibility || r.visibility === visibility) && (!name || r.name.includes(name)))
      .sort((a, b) => b.id - a.id)
      .map((r) => renderRepo(req, r, status ?? undefined))
      .filter((r) => !status || r.version_num > 0);
    return listPage(rows, req.query, { max: 100, default: 10 });
  }),

  octopusRoute("POST", REPOS, "octopus:imageRepo:create", (req) => {
    const b = checkFields(req.body, {
      name: field.text({ min: 1, max: 64, required: true }),
      scope: field.oneOf(REPO_SCOPES, { required: true }),
      description: field.text({ max: 256 }),
      visibility: field.oneOf(REPO_VISIBILITIES),
    });
    nameTaken(req, b.name!);
    const id = insertNumbered(req, KIND.repo, {
      name: b.name,
      description: b.description || undefined,
      project_id: req.principal,
      user_id: EMULATOR_USER_ID,
      scope: b.scope,
      visibility: b.visibility ?? "TEAM",
      version_seq: 0,
    });
    return ok({ item: id }, 201);
  }),

  // Only name and description can change (§4.1.3); an empty description removes it.
  octopusRoute("PUT", REPO, "octopus:imageRepo:update", (req) => {
    const repo = repoOrFail(req);
    const b = checkFields(req.body, { name: field.text({ min: 1, max: 64 }), description: field.text({ max: 256 }) });
    if (b.name !== undefined) nameTaken(req, b.name, repo.id);
    const description = b.description === undefined ? repo.description : b.description || undefined;
    req.store.put(req.principal, KIND.repo, String(repo.id), { ...repo, name: b.name ?? repo.name, description, update_at: nowOf(req.store) });
    return NO_BODY;
  }),

  octopusRoute("DELETE", REPO, "octopus:imageRepo:delete", (req) => {
    const repo = repoOrFail(req);
    refuseIfUsed(req, repo.id);
    for (const v of versionsOf(req, repo.id)) req.store.delete(req.principal, KIND.version, versionKey(repo.id, v.version));
    req.store.delete(req.principal, KIND.repo, String(repo.id));
    return NO_BODY;
  }),

  octopusRoute("GET", VERSIONS, "octopus:imageRepo:list", (req) => {
    const repo = repoOrFail(req);
    const status = queryEnum(req.query, "status", VERSION_STATUSES);
    const rows = versionsOf(req, repo.id).filter((v) => !status || v.status === status);
    return listPage(rows.map(renderVersion), req.query, { max: 100, default: 10 });
  }),

  // `item` is the new version number (§4.2.2, §Inconsistencies 3); numbers are never reused.
  octopusRoute("POST", VERSIONS, "octopus:imageRepo:create", (req) => {
    const repo = repoOrFail(req);
    const b = checkFields(req.body, { description: field.text({ max: 256 }) });
    const version = repo.version_seq + 1;
    const now = nowOf(req.store);
    req.store.put(req.principal, KIND.repo, String(repo.id), { ...repo, version_seq: version });
    req.store.put(req.principal, KIND.version, versionKey(repo.id, version), {
      id: nextId(req.store),
      repo_id: repo.id,
      create_at: now,
      update_at: now,
      project_id: req.principal,
      user_id: EMULATOR_USER_ID,
      status: "INIT",
      version,
      description: b.description || undefined,
      visibility: repo.visibility,
    });
    return ok({ item: version }, 201);
  }),

  octopusRoute("GET", VERSION, "octopus:imageRepo:get", (req) => {
    const { repo, row } = versionOrFail(req);
    return ok({ item: { ...renderVersion(row), url: imagePath(req.principal, repo.id, row.version), repo_name: repo.name } });
  }),

  octopusRoute("DELETE", VERSION, "octopus:imageRepo:delete", (req) => {
    const { repo, row } = versionOrFail(req);
    refuseIfUsed(req, repo.id, row.version);
    req.store.delete(req.principal, KIND.version, versionKey(repo.id, row.version));
    return NO_BODY;
  }),

  // §4.2.5: `action` wins over `status`; CANCEL_PUSH rolls a push back, status=0 marks a self-built image pushed.
  octopusRoute("POST", `${VERSION}/status`, "octopus:imageRepo:update", (req) => {
    const { row } = versionOrFail(req);
    const b = checkFields(req.body, { action: field.oneOf(["CANCEL_PUSH"] as const), status: field.integer({ min: 0, max: 0 }) });
    if (b.action === undefined && b.status === undefined) invalidParam("action", undefined, "one of action or status is required");
    const rollback: Record<string, string> = b.action ? { PUSHING: "INIT", SECONDARY_PUSHING: "PUSHED" } : { INIT: "PUSHED" };
    const next = rollback[row.status];
    if (!next) fail(409, "octopus.007004", `Current image status do not support this action. (status ${row.status})`);
    const { push, ...rest } = row;
    req.store.put(req.principal, KIND.version, versionKey(row.repo_id, row.version), { ...rest, status: next, update_at: nowOf(req.store) });
    return NO_BODY;
  }),

  // §4.2.6: a PUSH account starts the push the emulator plays out (see `Timing`); PULL needs a pushed image.
  octopusRoute("POST", `${VERSION}/accounts`, "octopus:imageRepo:createAccount", (req) => {
    const { repo, row } = versionOrFail(req);
    const action = queryEnum(req.query, "action", ["PUSH", "PULL"]) ?? invalidParam("action", undefined, "is required (PUSH or PULL)");
    if (action === "PULL" && row.status === "INIT") fail(409, "octopus.007004", "Current image status do not support this action. (a PULL account needs a pushed image)");
    if (action === "PUSH" && !row.push) {
      const timing = timingOf(req.store);
      const now = nowOf(req.store);
      const secondary = row.status === "PUSHED";
      req.store.put(req.principal, KIND.version, versionKey(repo.id, row.version), {
        ...row,
        status: secondary ? "SECONDARY_PUSHING" : "PUSHING",
        update_at: now,
        push: { settles_at: now + timing.durationMs, outcome: timing.pushOutcome },
      });
    }
    return ok(
      {
        item: {
          username: `cn-north-1@${randomBytes(10).toString("hex").toUpperCase()}`,
          password: randomBytes(24).toString("hex"),
          action: action.toLowerCase(),
          expire_at: Math.floor(nowOf(req.store) / 1000) + 24 * 3600,
          path: imagePath(req.principal, repo.id, row.version),
        },
      },
      201,
    );
  }),
];

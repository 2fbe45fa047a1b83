import { EmuError, intParam, route, type EmuRequest } from "../http";
import { invalid, notExist, requiredString, tensorbayPrincipal, tensorbayRoute } from "./common";
import { CLOUD_FILES_KIND, STORAGE_CONFIG_KIND } from "./storageConfigs";

/**
 * The files in a storage config's bucket (ListCloudFiles, GetCloudFileUrl; SDK
 * `client/cloud_storage.py` `CloudClient._list_files`, `_get_url`). The emulator has no bucket:
 * the files a config's bucket holds are set through a control route, and removed with the config.
 */

/** Marker paging as the SDK walks it: `prefix`, `limit`, `marker` (the last path of the page before). */
const PAGE_MAX = 128;

function filesOf(req: EmuRequest, configName: string): string[] {
  if (!req.store.get(req.principal, STORAGE_CONFIG_KIND, configName)) notExist(`storage config ${configName}`);
  return ((req.store.get(req.principal, CLOUD_FILES_KIND, configName) as { files: string[] } | undefined)?.files ?? []).slice().sort();
}

export const cloudFileRoutes = [
  tensorbayRoute("GET /cloud/{configName}/files", (req) => {
    const prefix = req.query.get("prefix") ?? "";
    const marker = req.query.get("marker") ?? "";
    const limit = intParam(req.query, "limit", PAGE_MAX, 1, PAGE_MAX, "InvalidParamsValue");
    const matching = filesOf(req, req.params.configName).filter((path) => path.startsWith(prefix) && path > marker);
    const cloudFiles = matching.slice(0, limit);
    const truncated = matching.length > limit;
    return { body: { cloudFiles, truncated, nextMarker: truncated ? cloudFiles[cloudFiles.length - 1] : null } };
  }),
  tensorbayRoute("GET /cloud/{configName}/files/urls", (req) => {
    const filePath = requiredString(req.query.get("filePath") ?? undefined, "filePath");
    if (!filesOf(req, req.params.configName).includes(filePath)) notExist(`file ${filePath}`);
    // A stand-in URL: the emulator serves no file contents.
    return { body: { url: `https://emulator.invalid/cloud/${encodeURIComponent(req.params.configName)}/${encodeURIComponent(filePath)}` } };
  }),
];

/**
 * `PUT /__emulator/tensorbay/cloud-files` `{accessKey, configName, files}`: what the bucket of the
 * access key's storage config holds (replaces the list).
 */
export const cloudFilesControlRoute = route(
  "PUT /__emulator/tensorbay/cloud-files",
  (req) => {
    const b = req.body ?? {};
    const principal = tensorbayPrincipal(requiredString(b.accessKey, "accessKey"));
    const configName = requiredString(b.configName, "configName");
    if (!Array.isArray(b.files) || !b.files.every((f: unknown) => typeof f === "string" && f)) invalid("files", "must be an array of non-empty paths");
    if (!req.store.get(principal, STORAGE_CONFIG_KIND, configName)) throw new EmuError(404, "EMU.0404", `No storage config ${configName} for that access key.`);
    req.store.put(principal, CLOUD_FILES_KIND, configName, { files: b.files });
    return { body: { configName, files: b.files.length } };
  },
  "none",
);

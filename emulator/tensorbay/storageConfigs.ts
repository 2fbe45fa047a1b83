import type { EmuRequest } from "../http";
import { filterByName, invalid, nameConflict, notExist, pageBody, requiredString, tensorbayRoute } from "./common";

export const STORAGE_CONFIG_KIND = "tensorbay.storageConfig";
/** Kept here rather than imported from cloudFiles.ts, which imports this module. */
export const CLOUD_FILES_KIND = "tensorbay.cloudFiles";

/** The body fields of each CreateStorageConfig* call (wire format §8): all strings, all required. */
const FIELDS_BY_TYPE: Record<string, string[]> = {
  oss: ["endpoint", "accesskeyId", "accesskeySecret", "bucketName"],
  s3: ["endpoint", "accesskeyId", "accesskeySecret", "bucketName"],
  azure: ["accesskeyId", "accesskeySecret", "containerName", "accountType"],
  local: ["endpoint"],
};

/** ListStorageConfigs: never the credentials. */
function listConfigs(req: EmuRequest) {
  const rows = filterByName(req, req.store.list(req.principal, STORAGE_CONFIG_KIND) as { name: string }[]);
  return pageBody(req, rows.map((r: any) => ({ name: r.name, type: r.type, filePath: r.filePath, isGravitiStorage: r.isGravitiStorage })), "configs");
}

/** Storage configs (§8): created per cloud type, listed and deleted by name; the list never shows credentials. */
export const storageConfigRoutes = [
  ...Object.entries(FIELDS_BY_TYPE).map(([type, fields]) =>
    tensorbayRoute(`POST /storage-configs/${type}`, (req) => {
      const name = requiredString(req.body?.name, "name");
      const row: Record<string, string | boolean> = { name, type, filePath: requiredString(req.body?.filePath, "filePath"), isGravitiStorage: false };
      for (const field of fields) row[field] = requiredString(req.body?.[field], field);
      if (type === "azure" && !["China", "Global"].includes(row.accountType as string)) invalid("accountType", 'must be "China" or "Global"');
      if (req.store.get(req.principal, STORAGE_CONFIG_KIND, name)) nameConflict("storage config", name);
      req.store.put(req.principal, STORAGE_CONFIG_KIND, name, row);
      return {};
    }),
  ),
  tensorbayRoute("GET /storage-configs", listConfigs),
  // ListAuthStorageConfig: the same list under the path the SDK used before 2021-09-22 (wire format §8, commit 2838f02).
  tensorbayRoute("GET /auth-storage-configs", listConfigs),
  tensorbayRoute("DELETE /storage-configs/{name}", (req) => {
    const name = req.params.name;
    if (!req.store.get(req.principal, STORAGE_CONFIG_KIND, name)) notExist(`storage config ${name}`);
    req.store.delete(req.principal, STORAGE_CONFIG_KIND, name);
    // The bucket's file list (cloudFiles.ts) goes with its config.
    if (req.store.get(req.principal, CLOUD_FILES_KIND, name)) req.store.delete(req.principal, CLOUD_FILES_KIND, name);
    return {};
  }),
];

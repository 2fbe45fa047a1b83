import { ApiError } from "./errors";
import type { QueryValue } from "./http";
import type { ProviderConfig } from "../config";
import { HuaweiFamilyOptions, HuaweiServiceClient, huaweiAuth, huaweiErrorOf } from "./huawei";

/**
 * The Octopus API family (document 000 §3): every answer with a body is an envelope
 * `{"payload": …, "meta_info": {"current_time"}}`; updates and deletes of image repos, versions,
 * processors and tags answer 200 with no body; the tag import template (§4.17.4) is a bare array.
 * Errors are Huawei's `{"error_code": "octopus.NNNNNN", "error_msg"}` (§7.2).
 */
export const octopusFamily: HuaweiFamilyOptions = {
  // A bare array has no "payload" key either, so it is answered as it is.
  unwrap: (body) => (body && typeof body === "object" && "payload" in body ? body.payload : body),
  // §7.2 table 7-2's English messages end in a full-width "。"; the rest of the message is the vendor's own.
  errorOf: (status, body) => {
    const [code, message] = huaweiErrorOf(status, body);
    return [code, message.replace(/。$/, "")];
  },
};

/** Every Octopus path starts here (§3: `/v1.0/{project_id}/...`). */
export const OCTOPUS_BASE = "/v1.0/{project_id}";

/** 409 octopus.000143 / octopus.400009: the object is in use or bound to another object (§7.2). */
export function isInUse(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.errorCode === "octopus.000143" || err.errorCode === "octopus.400009");
}

/** Every item of an Octopus list (`payload.list`, `payload.page_info.total`), page by page. */
export function listAllOctopus<T = any>(client: HuaweiServiceClient, route: string, options: { params?: Record<string, string | number>; query?: Record<string, QueryValue>; body?: unknown; pageSize?: number } = {}): Promise<T[]> {
  // 100 is within most documented `limit` maxima (100 for repos and datasets, 200, 300); warehouses and their attributes pass 50 (§4.5.1, §4.6.1).
  return client.listAll<T>(route, "list", { ...options, pageSize: options.pageSize ?? 100, countKey: "page_info.total" });
}

/** Octopus ids are numbers (Long/Integer); Pulumi ids and references between resources are strings. */
export const idText = (id: unknown): string => String(id);

/** The Octopus client of a configuration: the Huawei client with the Octopus family's envelope and errors. */
export function octopusClient(config: ProviderConfig, log?: (message: string) => void): HuaweiServiceClient {
  return new HuaweiServiceClient(config, "octopus", huaweiAuth(config, log), octopusFamily, log);
}

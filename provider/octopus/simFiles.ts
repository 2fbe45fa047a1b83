import { z } from "zod";
import type { HuaweiServiceClient } from "../client/huawei";
import { compact } from "../framework/case";
import { text } from "./common";
import { SHA256_PATTERN } from "./sceneEnums";

/** The simulation APIs (§4.18, §4.19) live under `/v2/{project_id}/sim/sm`, not `/v1.0`. */
export const SIM_BASE = "/v2/{project_id}/sim/sm";

/** A file as §4.18.3 and §4.19.1 take it: its sha256 (the service knows files by content) and its name. */
export function fileInput(section: string, what: string) {
  return z
    .object({
      sha256: z
        .string()
        .regex(SHA256_PATTERN, { message: `must be the file's sha256: 64 hexadecimal characters (Octopus ${section})` })
        .describe(`sha256 of the ${what} (64 hexadecimal characters, Octopus ${section}): the service knows files by content and asks for an upload only when it has not seen it.`),
      filename: text({ min: 1, max: 255, section }).describe(`File name of the ${what}: 1-255 characters (Octopus ${section}).`),
    })
    .describe(`The ${what} (Octopus ${section} \`file\`).`);
}

/** `ready` of §4.18.4 / §4.19.2, as an input: the program says when the upload is done. */
export function fileReadyInput(section: string, what: string) {
  return z
    .boolean()
    .default(false)
    .describe(
      `Whether the ${what} has been uploaded (Octopus ${section} \`ready\`). Upload the file to \`putUrl\` (or \`postUrl\` with \`postFields\`), then set true: the update marks the file ready. Default false. Changes in place.`,
    );
}

/** The upload and download links of a file answer (§4.18.3 / §4.19.1), as outputs. */
export const fileOutputs = {
  fileUrl: z.string().describe("The file's resource address."),
  fileReady: z.boolean().describe("Whether the service has the file (uploaded and marked ready), live on refresh."),
  putUrl: z.string().optional().describe("Presigned PUT link to upload the file to, while it is not ready (§4.18.3/§4.19.1; the service prefers the POST link)."),
  postUrl: z.string().optional().describe("Presigned POST link to upload the file to, while it is not ready; send `postFields` as the form fields."),
  postFields: z.record(z.string(), z.string()).optional().describe("Form fields for the POST upload (key, policy, x-amz-* signature fields)."),
  getUrl: z.string().optional().describe("Link to download the file, once it is ready."),
  expire: z.number().optional().describe("Seconds the upload links are valid for (600 by default)."),
};

/**
 * A file answer as outputs. The upload links are only in the create answer (a ready file answers
 * `post: null`): outputs keep them from the create (the runtime carries earlier outputs), and
 * a null here does not erase them.
 */
export function fileState(file: any): Record<string, unknown> {
  if (!file) return {};
  return compact({
    fileUrl: file.url,
    fileReady: file.ready,
    putUrl: file.put_url,
    postUrl: file.post?.url,
    postFields: file.post?.fields,
    getUrl: file.get_url,
    expire: file.expire,
  });
}

/**
 * PATCH of a scene's or map's file (§4.18.4 / §4.19.2): `{ready: true}` once it is uploaded. With
 * no fields (every field of the body is optional) it changes nothing and answers the file: §4.18
 * and §4.19 have no GET for a file, a scene's or a map's, so that is how they are read. A 404
 * means the scene or map no longer holds that file (or is gone).
 */
export function patchFile(client: HuaweiServiceClient, parentRoute: "/scenarios" | "/maps", parentId: string, sha256: string, body: Record<string, unknown> = {}): Promise<any> {
  return client.call(`PATCH ${SIM_BASE}${parentRoute}/{parent_lookup_id}/files/{sha256}`, { parent_lookup_id: parentId, sha256 }, { body });
}

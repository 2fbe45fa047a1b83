import { z } from "zod";
import { OCTOPUS_BASE } from "../client/octopus";
import type { HuaweiServiceClient } from "../client/huawei";
import type { QueryValue } from "../client/http";
import { defineResource, importIdField } from "../framework/definition";
import { restApi } from "../framework/rest";
import { compact } from "../framework/case";
import { numericId, octopusClient } from "./common";
import { MAX_TIME_MS, MIN_TIME_MS, PACKAGE_ID_PATTERN } from "./sceneEnums";

export const SEGMENTS = `${OCTOPUS_BASE}/data/scenario/segments`;

/** A UTC millisecond timestamp within the bounds §4.16 and §4.11 state. */
export function epochMs(section: string) {
  const message = `must be a UTC millisecond timestamp in [${MIN_TIME_MS}, ${MAX_TIME_MS}] (Octopus ${section})`;
  return z.number({ message }).int({ message }).min(MIN_TIME_MS, { message }).max(MAX_TIME_MS, { message });
}

/** A data package id: "DPK" and 7-13 digits (§4.9.2, §4.16.2). */
export const packageId = (section: string) => z.string().regex(PACKAGE_ID_PATTERN, { message: `must be DPK followed by 7-13 digits, e.g. DPK0000001 (Octopus ${section})` });

const inputs = z
  .object({
    dpkId: packageId("§4.16.2").describe("ID of the data package the segment is cut from (DPK and 7-13 digits, Octopus §4.16.2; `octopus.getDataPackages`). Segments cannot be edited: changing it replaces the segment."),
    start: epochMs("§4.16.2").describe("Start of the segment: UTC milliseconds in [1000000000000, 2000000000000] (Octopus §4.16.2). Changing it replaces the segment."),
    end: epochMs("§4.16.2").describe("End of the segment: UTC milliseconds in [1000000000000, 2000000000000], not before `start` (Octopus §4.16.2). Changing it replaces the segment."),
    tagIds: z
      .array(numericId("tag_ids, Octopus §4.16.2"))
      .length(1, { message: "must hold exactly one tag id: the service takes one tag per segment for now (Octopus §4.16.2)" })
      .describe("The segment's tag: exactly one data tag id (`octopus.DataTag` id or a built-in tag from `octopus.getDataTags`), as the service takes one for now (Octopus §4.16.2). Changing it replaces the segment."),
    importId: importIdField,
  })
  .refine((s) => s.end >= s.start, { path: ["end"], message: "must not be before start (Octopus §4.16.2; the service answers octopus.108002)" });

const outputs = z.object({
  vehicleName: z.string().describe("Vehicle that recorded the package."),
  tagNames: z.array(z.string()).describe("Names of the segment's tags."),
  source: z.string().describe("How the segment was made: MANUAL for segments created through the API (§4.16.1; also AUTO, VEHICLE, TAKEOVER, USER_JOB)."),
  createAt: z.number().describe("Creation time (ms since epoch)."),
  updateAt: z.number().describe("Last update time (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;

/**
 * The segments of a data package (§4.16.1: `payload.item.segments`, paged by `limit`/`offset`
 * within the page of packages that `package_limit`/`package_offset` choose — one package here).
 */
export async function packageSegments(client: HuaweiServiceClient, dpkId: string, query: Record<string, QueryValue> = {}): Promise<any[]> {
  const limit = 200;
  const segments: any[] = [];
  for (let offset = 0; ; offset += limit) {
    const body = await client.call(`GET ${SEGMENTS}`, {}, { query: { ...query, dpk_id: dpkId, limit, offset, package_limit: 1 } });
    const page: any[] = body?.item?.segments ?? [];
    segments.push(...page);
    // An empty answer has no segments, so the first test ends the loop before `page_info` is read.
    if (page.length < limit || segments.length >= Number(body.page_info?.total ?? 0)) return segments;
  }
}

/** §4.16 has no detail call: a segment is found among its package's segments (the id is unique, the package is in the inputs). */
async function findSegment(client: HuaweiServiceClient, id: string, i: Inputs) {
  return (await packageSegments(client, i.dpkId)).find((s) => s.id === id);
}

export const dataSceneDefinition = defineResource({
  service: "octopus",
  name: "DataScene",
  description:
    "A data scene segment (§4.16): a tagged stretch of a recorded data package (e.g. a take-over), which scenario mining and simulation pick up. There is no update call (§4.16), so every change replaces the segment.",
  inputs,
  outputs,
  importScope: ["dpkId"],
  immutable: ["dpkId", "start", "end", "tagIds"],
  identity: {
    by: "new",
    doc: "the package's segments with the same start, end and tag, listed before creating (§4.16.1; segments have no unique field, their ids are made by the service)",
    candidates: async (ctx, i) =>
      // Stryker disable next-line StringLiteral: equivalent, tagIds holds exactly one id (the inputs' length(1)), so the separator never shows.
      (await packageSegments(ctx.octopus, i.dpkId, { tag_ids: i.tagIds.join(",") })).filter((s) => s.start === i.start && s.end === i.end).map((s) => String(s.id)),
  },
  api: restApi<Inputs>({
    client: octopusClient,
    create: `POST ${SEGMENTS}`,
    read: findSegment,
    delete: `DELETE ${SEGMENTS}/{id}`,
    createBody: (i) => ({ start: i.start, end: i.end, dpk_id: i.dpkId, tag_ids: i.tagIds }),
    idOf: (res) => String(res.item),
    fromBody: (s) => ({
      inputs: { dpkId: s.dpk_id, start: s.start, end: s.end, tagIds: s.tag_ids },
      state: compact({ vehicleName: s.vehicle_name, tagNames: s.tag_names ?? [], source: s.source, createAt: s.create_at, updateAt: s.update_at }),
    }),
  }),
});

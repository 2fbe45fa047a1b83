import { z } from "zod";
import { rules } from "../framework/validate";

/** §5.4 table 5-300 / §5.6 table 5-390: resource tags on config maps and secrets. */
export const tagsField = z
  .array(
    z.object({
      key: rules.pattern(/^[A-Za-z0-9_.-]{1,36}$/, "tag key: 1-36 letters, digits, '.', '-', '_' (HiLens §5.6.2)").describe("Tag key."),
      value: rules.pattern(/^[A-Za-z0-9_./-]{1,43}$/, "tag value: 1-43 letters, digits, '.', '-', '_', '/' (HiLens §5.6.2)").describe("Tag value."),
    }),
  )
  .max(20, { message: "at most 20 tags (HiLens §5.6.2)" })
  .default([])
  .describe("Tags, reconciled with the object: at most 20.");

export const workspaceIdField = z.string().min(1).optional().describe("Workspace ID; the account's default workspace when omitted. Changing it replaces the object.");

export const hilensClient = (ctx: { hilens: import("../client/huawei").HuaweiServiceClient }) => ctx.hilens;

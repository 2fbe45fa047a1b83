import { z } from "zod";
import { Context, afterCreate, defineResource, importIdField } from "../framework/definition";
import { compact, toCamel } from "../framework/case";

const orders = "/v1/{project_id}/skill-market/skill-order";

const inputs = z.object({
  skillId: z.string().min(1).describe("ID of the skill to order: a free one (`chargeModel` 0) of `hilens.getSkills` (HiLens §5.9.3). Changing it orders again (a new order)."),
  amount: z
    .number()
    .int()
    .min(1, { message: "must be at least 1 (HiLens §5.9.3)" })
    .max(2147483647, { message: "must fit an Integer (HiLens §5.9.3)" })
    .describe("How many to order (§5.9.3, required). Orders cannot be changed (§5.9 has no such call): changing it places a new order."),
  // §5.9.3 names it "定制技能标识" (customised-skill flag) and sends 0; 1 marks a customised skill.
  commissionFlag: z.number().int().min(0).max(1, { message: "must be 0 or 1 (HiLens §5.9.3)" }).default(0).describe("Customised-skill flag: 0 (default) or 1 (§5.9.3). Changing it places a new order."),
  importId: importIdField,
});

const outputs = z.object({
  skillName: z.string().describe("Name of the ordered skill."),
  usedAmount: z.number().describe("How many of the ordered units are in use (by deployments)."),
  status: z.number().describe("0 normal, 1 frozen, 2 restricted (§5.9.4)."),
  versions: z.array(z.string()).describe("The skill's versions the order covers."),
  chargeModel: z.number().optional().describe("Charge model: 0 free for ever."),
  format: z.string().optional().describe("Skill form: file or image."),
  measureUnit: z.string().optional().describe("Unit of the amount: qps, road (camera channels) or instance."),
  expireTime: z.number().optional().describe("When the order expires (ms since epoch); free orders do not."),
  updateTime: z.number().optional().describe("Last change (ms since epoch)."),
});

type Inputs = z.infer<typeof inputs>;

function fromBody(body: any) {
  const o = toCamel(body);
  return {
    inputs: { skillId: String(o.skillId), amount: o.amount, commissionFlag: o.commissionFlag } as Partial<Inputs>,
    state: compact({ skillName: o.skillName, usedAmount: o.usedAmount, status: o.status, versions: o.versions ?? [], chargeModel: o.chargeModel, format: o.format, measureUnit: o.measureUnit, expireTime: o.expireTime, updateTime: o.updateTime }),
  };
}

async function read(ctx: Context, id: string) {
  return fromBody(await ctx.hilens.call(`GET ${orders}/{id}`, { id }));
}

export const skillOrderDefinition = defineResource({
  service: "hilens",
  name: "SkillOrder",
  description:
    "An order of a free skill from the HiLens skill market (§5.9.3), for deployments of market skills (`source: hlm`, an app's `appOrderId`). Orders cannot be changed or cancelled through the API (§5.9 has no such call): a change places a new order, and destroy only drops the order from the stack (it stays in the project, free).",
  inputs,
  outputs,
  immutable: ["skillId", "amount", "commissionFlag"],
  identity: {
    by: "new",
    doc: "the orders of its skill, listed before ordering (§5.9.4; orders have no unique field): after a lost answer, the new one is the order placed",
    candidates: async (ctx, i) => (await ctx.hilens.listAll<any>(`GET ${orders}`, "data", { countKey: "total" })).filter((o) => String(o.skill_id) === i.skillId).map((o) => String(o.order_id)),
  },
  api: {
    async create(ctx, i) {
      const created = await ctx.hilens.call(`POST ${orders}`, {}, { body: { skill_id: i.skillId, amount: i.amount, commission_flag: i.commissionFlag } });
      const id = String(created.order_id);
      return { id, state: await afterCreate(id, {}, async () => (await read(ctx, id)).state) };
    },
    read,
    async delete(ctx, id) {
      ctx.log(`order ${id} stays in the project: the skill market has no call to cancel an order (§5.9); it is only removed from the stack`);
    },
  },
});

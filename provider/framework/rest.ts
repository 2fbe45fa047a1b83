import type { HuaweiServiceClient } from "../client/huawei";
import { afterCreate, type Context, type LiveObject, type Props, type ResourceApi } from "./definition";

/**
 * A resource that is plain REST (create, get by id, update, delete), declared as a table of
 * routes in the style of octokit's endpoint list. After create and update the object is read
 * back, so outputs always hold what the server stored.
 */
export interface RestSpec<I> {
  client(ctx: Context): HuaweiServiceClient;
  create: string;
  /**
   * Routes below take `{id}`. For objects without a detail call, `read` is a lookup (a list search)
   * that answers `undefined` when the object is gone.
   */
  read: string | ((client: HuaweiServiceClient, id: string, inputs: I) => Promise<unknown>);
  update?: string;
  delete: string;
  createBody(inputs: I): unknown;
  idOf(created: any): string;
  updateBody?(inputs: I): unknown;
  fromBody(body: any): LiveObject<I>;
  /**
   * The create and update answers carry the whole object as the read shows it (HiLens §5.4.2,
   * §5.4.4, §5.6.2, §5.6.4): no read-back request is needed.
   */
  writeAnswersObject?: boolean;
  /** Extra path parameters taken from the inputs (for nested routes). */
  params?(inputs: I): Record<string, string | number>;
}

export function restApi<I extends Props>(spec: RestSpec<I>): ResourceApi<I> {
  const params = (inputs: I, id?: string) => ({ ...(spec.params?.(inputs) ?? {}), ...(id ? { id } : {}) });
  const fetch = (ctx: Context, id: string, inputs: I): Promise<unknown> =>
    typeof spec.read === "string" ? spec.client(ctx).call(spec.read, params(inputs, id)) : spec.read(spec.client(ctx), id, inputs);
  const readState = async (ctx: Context, id: string, inputs: I) => {
    const body = await fetch(ctx, id, inputs);
    if (body === undefined) throw new Error(`${spec.create}: object ${id} was not found right after it was written`);
    return spec.fromBody(body).state;
  };
  const api: ResourceApi<I> = {
    async create(ctx, inputs) {
      const created = await spec.client(ctx).call(spec.create, params(inputs), { body: spec.createBody(inputs) });
      const id = spec.idOf(created);
      if (spec.writeAnswersObject) return { id, state: spec.fromBody(created).state };
      return { id, state: await afterCreate(id, {}, () => readState(ctx, id, inputs)) };
    },
    async read(ctx, id, inputs) {
      const body = await fetch(ctx, id, inputs);
      return body === undefined ? undefined : spec.fromBody(body);
    },
    async delete(ctx, id, inputs) {
      await spec.client(ctx).call(spec.delete, params(inputs, id));
    },
  };
  if (spec.update) {
    const route = spec.update;
    const body = spec.updateBody ?? spec.createBody;
    api.update = async (ctx, id, _olds, news) => {
      const answer = await spec.client(ctx).call(route, params(news, id), { body: body(news) });
      return spec.writeAnswersObject ? spec.fromBody(answer).state : readState(ctx, id, news);
    };
  }
  return api;
}

import type { ResourceApi } from "../framework/definition";
import { restApi } from "../framework/rest";
import { compact, toCamel } from "../framework/case";
import { hilensClient } from "./common";
import { inDeclaredOrder } from "./tags";

interface KeyValueInputs {
  name: string;
  description?: string;
  tags: { key: string; value: string }[];
  workspaceId?: string;
  [entries: string]: unknown;
}

/**
 * Config maps (§5.4) and secrets (§5.6) are one kind of object on the wire: a named list of
 * key/value entries with tags, wrapped in `configmap` / `secret`, under /ai-mgr/<collection>.
 * Tags are part of the object: create and update set them (the update body requires them) and
 * every answer carries them, so one request creates, updates or reads one, and tags edited in
 * the console (which edits the same object) show as drift.
 */
export function keyValueApi<I extends KeyValueInputs>(k: { collection: "configmaps" | "secrets"; wrapper: "configmap" | "secret"; entriesKey: "configs" | "secrets" }): ResourceApi<I> {
  const base = `/v3/{project_id}/ai-mgr/${k.collection}`;
  const api = restApi<I>({
    client: hilensClient,
    create: `POST ${base}`,
    read: `GET ${base}/{id}`,
    update: `PUT ${base}/{id}`,
    delete: `DELETE ${base}/{id}`,
    createBody: (i) => compact({ [k.wrapper]: compact({ name: i.name, [k.entriesKey]: i[k.entriesKey], description: i.description, tags: i.tags }), workspace_id: i.workspaceId }),
    idOf: (res) => res[k.wrapper].id,
    writeAnswersObject: true,
    fromBody: (res) => {
      const o = toCamel(res[k.wrapper]);
      return {
        inputs: { name: o.name, [k.entriesKey]: o[k.entriesKey] ?? [], description: o.description ?? undefined, tags: o.tags ?? [], workspaceId: res.workspace_id ?? o.workspaceId ?? undefined } as Partial<I>,
        state: compact({ id: o.id, projectId: o.projectId, type: o.type, createdAt: o.createdAt, updatedAt: o.updatedAt }),
      };
    },
  });
  return {
    ...api,
    // Tags in the program's order (extras last), so the same set is never a diff. fromBody always reads a list of them.
    async read(ctx, id, declared) {
      const live = await api.read(ctx, id, declared);
      // Stryker disable next-line ArrayDeclaration: equivalent, a declared element that is not a tag matches no live key, so every tag ranks alike and keeps the server's order, as with none.
      return live && { ...live, inputs: { ...live.inputs, tags: inDeclaredOrder(declared.tags ?? [], live.inputs.tags as typeof declared.tags) } };
    },
  };
}

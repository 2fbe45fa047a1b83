/**
 * The runtime's lifecycle (provider/framework/runtime.ts) for resource types registered by this
 * file, whose API is an in-memory service: what check, diff, create, read, update and delete
 * answer the engine, and what they print, independently of any vendor's HTTP.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { configure, handlers, provider, withRecordedInputs } from "../../provider/framework/runtime";
import { defineResource, importIdField, importIdOf, NAME_KEY, NewObjectIdentity, NotReadyError, Props, ResourceDefinition } from "../../provider/framework/definition";
import { awaitTimeoutsField, skipAwaitField } from "../../provider/framework/await";
import { UNKNOWN, containsUnknown, fieldIssue } from "../../provider/framework/validate";
import { progressLine, setProgressSink } from "../../provider/framework/progress";
import { definitions } from "../../provider/registry";
import { ApiError, InputError, OutcomeUnknownError } from "../../provider/client/errors";

const WIDGET = "edgeai:hilens:TestWidget";
const PART = "edgeai:hilens:TestPart";
const MAP = "edgeai:hilens:TestMap";
const NOTE = "edgeai:hilens:TestNote";
const BADGE = "edgeai:hilens:TestBadge";
const LABEL = "edgeai:hilens:TestLabel";
const PROVIDER = "serialized provider";

interface Stored {
  name: string;
  size: number;
  zone?: string;
  labels?: Record<string, string>;
  status: string;
}

/** The in-memory service: its objects, the calls it got, and failures to answer next (per operation). */
const server = {
  objects: new Map<string, Stored>(),
  calls: [] as string[],
  next: 1,
  fail: { create: [] as unknown[], read: [] as unknown[], update: [] as unknown[], delete: [] as unknown[], find: [] as unknown[] },
  /** The create's answer is lost after the object was made. */
  loseCreateAnswer: 0,
  /** Another client adds a part while a part's create answer is lost. */
  rivalPart: false,
};
function failNext(op: keyof typeof server.fail) {
  // Any queued value is thrown, even one that is not an Error.
  if (server.fail[op].length) throw server.fail[op].shift();
}
const notFound = (id: string) => new ApiError("hilens", "GET", `/widgets/${id}`, 404, "HIL.404", "no such widget");
const lost = () => new OutcomeUnknownError("hilens", "POST", "/widgets", "socket hang up");

const widgetInputs = z.object({
  name: z.string().regex(/^[a-z-]+$/, { message: "must be lowercase letters and '-'" }).describe("Name."),
  size: z.number().int().default(1).describe("Size; shrinking replaces the widget."),
  zone: z.string().optional().describe("Zone; immutable."),
  labels: z.record(z.string(), z.string().max(5)).optional().describe("Labels."),
  awaitTimeouts: awaitTimeoutsField,
  skipAwait: skipAwaitField,
  importId: importIdField,
}).superRefine((w, issues) => {
  if (w.zone === "cold" && w.size > 2) fieldIssue(issues, ["zone"], "holds widgets of size 2 at most when cold");
});
type WidgetInputs = z.infer<typeof widgetInputs>;

function inputsOf(o: Stored) {
  return { name: o.name, size: o.size, zone: o.zone, labels: o.labels };
}

const widget: ResourceDefinition = defineResource({
  service: "hilens",
  name: "TestWidget",
  description: "A widget of the in-memory service.",
  inputs: widgetInputs,
  outputs: z.object({ id: z.string(), status: z.string().optional(), secretCode: z.string().optional() }),
  immutable: ["name", "zone"],
  replaceWhen: { size: (olds, news) => news < olds },
  uniqueName: "name",
  identity: {
    by: "name",
    doc: "its name",
    setAfterCreate: ["labels"],
    find: async (_ctx, i) => {
      failNext("find");
      return [...server.objects].find(([, o]) => o.name === i.name)?.[0];
    },
  },
  api: {
    async create(_ctx, i: WidgetInputs) {
      server.calls.push(`create ${i.name}`);
      failNext("create");
      if ([...server.objects.values()].some((o) => o.name === i.name)) throw new ApiError("hilens", "POST", "/widgets", 409, "HIL.409", `widget ${i.name} exists`);
      const id = `w${server.next++}`;
      server.objects.set(id, { name: i.name, size: i.size, zone: i.zone, labels: i.labels, status: "ACTIVE" });
      if (server.loseCreateAnswer > 0) {
        server.loseCreateAnswer--;
        throw lost();
      }
      return { id, state: { id, status: "ACTIVE", secretCode: `code-${id}` } };
    },
    async read(_ctx, id) {
      server.calls.push(`read ${id}`);
      failNext("read");
      const o = server.objects.get(id);
      if (!o) throw notFound(id);
      return { inputs: inputsOf(o), state: { id, status: o.status } };
    },
    async update(_ctx, id, _olds, news: WidgetInputs) {
      server.calls.push(`update ${id}`);
      failNext("update");
      const o = server.objects.get(id)!;
      Object.assign(o, { size: news.size, labels: news.labels, status: "UPDATED" });
      return { status: o.status };
    },
    async delete(_ctx, id) {
      server.calls.push(`delete ${id}`);
      failNext("delete");
      if (!server.objects.delete(id)) throw notFound(id);
    },
  },
});

/** A part of a widget: no unique field, found after a lost answer as the new one; no update; imported as `<widgetId>/<id>`. */
const partsByWidget = new Map<string, string[]>();
const part: ResourceDefinition = defineResource({
  service: "hilens",
  name: "TestPart",
  description: "A part of a widget.",
  inputs: z.object({ widgetId: z.string().describe("Widget."), kind: z.string().describe("Kind."), importId: importIdField }),
  outputs: z.object({ id: z.string() }),
  immutable: ["widgetId", "kind"],
  importScope: ["widgetId"],
  identity: { by: "new", doc: "the new part of the widget", candidates: async (_ctx, i) => [...(partsByWidget.get(i.widgetId) ?? [])] },
  api: {
    async create(_ctx, i) {
      server.calls.push(`create part ${i.widgetId}`);
      failNext("create");
      const id = `p${server.next++}`;
      partsByWidget.set(i.widgetId, [...(partsByWidget.get(i.widgetId) ?? []), id]);
      if (server.loseCreateAnswer > 0) {
        server.loseCreateAnswer--;
        if (server.rivalPart) partsByWidget.get(i.widgetId)!.push(`p${server.next++}`);
        throw lost();
      }
      return { id, state: { id } };
    },
    async read(_ctx, id, i) {
      server.calls.push(`read part ${i.widgetId}/${id}`);
      return (partsByWidget.get(i.widgetId) ?? []).includes(id) ? { inputs: { widgetId: i.widgetId, kind: "bolt" }, state: { id } } : undefined;
    },
    async delete(_ctx, id, i) {
      server.calls.push(`delete part ${i.widgetId}/${id}`);
      partsByWidget.set(i.widgetId, (partsByWidget.get(i.widgetId) ?? []).filter((p) => p !== id));
    },
  },
});

/** A map that cannot be looked up: a lost create answer is never repeated. */
const map: ResourceDefinition = defineResource({
  service: "hilens",
  name: "TestMap",
  description: "A map without a look-up.",
  inputs: z.object({ file: z.string().describe("File."), importId: importIdField }).strict(),
  outputs: z.object({}),
  immutable: ["file"],
  identity: { by: "none", doc: "the document has no read for maps" },
  api: {
    async create() {
      server.calls.push("create map");
      throw lost();
    },
    async read() {
      return undefined;
    },
    async delete() {},
  },
});

/** A widget's note: a widget holds at most one, found by its widget; no unique name of its own. */
interface StoredNote {
  widgetId: string;
  text: string;
  pinned: boolean;
}
const notes = new Map<string, StoredNote>();
const note: ResourceDefinition = defineResource({
  service: "hilens",
  name: "TestNote",
  description: "The note of a widget.",
  inputs: z.object({ widgetId: z.string().describe("Widget."), text: z.string().describe("Text."), pinned: z.boolean().default(false).describe("Pinned."), importId: importIdField }),
  outputs: z.object({ id: z.string() }),
  immutable: ["widgetId"],
  identity: { by: "name", doc: "its widget: a widget holds one note", find: async (_ctx, i) => [...notes].find(([, n]) => n.widgetId === i.widgetId)?.[0] },
  api: {
    async create(_ctx, i) {
      server.calls.push(`create note ${i.widgetId}`);
      failNext("create");
      if ([...notes.values()].some((n) => n.widgetId === i.widgetId)) throw new ApiError("hilens", "POST", "/notes", 409, "HIL.409", `widget ${i.widgetId} has a note`);
      const id = `n${server.next++}`;
      notes.set(id, { widgetId: i.widgetId, text: i.text, pinned: i.pinned });
      return { id, state: { id } };
    },
    async read(_ctx, id) {
      const n = notes.get(id);
      return n && { inputs: { ...n }, state: { id } };
    },
    async update(_ctx, id, _olds, news) {
      server.calls.push(`update note ${id}`);
      Object.assign(notes.get(id)!, { text: news.text, pinned: news.pinned });
      return {};
    },
    async delete(_ctx, id) {
      notes.delete(id);
    },
  },
});

/**
 * A badge in a slot of a widget: no unique field, found after a lost answer as the new one; imported
 * as `<widgetId>/<slot>/<id>`. A new badge is grey: its colour is painted after the create.
 */
interface StoredBadge {
  widgetId: string;
  slot: string;
  colour: string;
  border?: { colour: string; width: number };
}
const badges = new Map<string, StoredBadge>();
const badge: ResourceDefinition = defineResource({
  service: "hilens",
  name: "TestBadge",
  description: "A badge of a widget.",
  inputs: z.object({
    widgetId: z.string().describe("Widget."),
    slot: z.string().describe("Slot."),
    colour: z.string().describe("Colour."),
    border: z.object({ colour: z.string().describe("Border colour."), width: z.number().int().default(1).describe("Border width.") }).optional().describe("Border."),
    importId: importIdField,
  }),
  outputs: z.object({ id: z.string() }),
  immutable: ["widgetId", "slot"],
  importScope: ["widgetId", "slot"],
  identity: { by: "new", doc: "the new badge in the slot", candidates: async (_ctx, i) => [...badges].filter(([, b]) => b.widgetId === i.widgetId && b.slot === i.slot).map(([id]) => id) },
  api: {
    async create(_ctx, i) {
      server.calls.push(`create badge ${i.widgetId}/${i.slot}`);
      const id = `b${server.next++}`;
      badges.set(id, { widgetId: i.widgetId, slot: i.slot, colour: "grey", border: i.border });
      if (server.loseCreateAnswer > 0) {
        server.loseCreateAnswer--;
        throw lost();
      }
      badges.get(id)!.colour = i.colour;
      return { id, state: { id } };
    },
    async read(_ctx, id) {
      server.calls.push(`read badge ${id}`);
      const b = badges.get(id);
      return b && { inputs: { ...b }, state: { id } };
    },
    async update(_ctx, id, _olds, news) {
      server.calls.push(`update badge ${id}`);
      Object.assign(badges.get(id)!, { colour: news.colour, border: news.border });
      return {};
    },
    async delete(_ctx, id) {
      badges.delete(id);
    },
  },
});

/**
 * A label on a side of a widget, imported as `<at.widgetId>/<at.side>/<id>` (its scope is an object
 * input's fields): the service never answers its text (`unreadable`) nor its title (which has a
 * default), and gives it the font "sans" when unset.
 */
interface StoredLabel {
  at: { widgetId: string; side: string };
  text: string;
  font?: string;
}
const labels = new Map<string, StoredLabel>();
const FRONT = { widgetId: "w1", side: "front" };
const label: ResourceDefinition = defineResource({
  service: "hilens",
  name: "TestLabel",
  description: "A label of a widget.",
  inputs: z.object({
    at: z.object({ widgetId: z.string().describe("Widget."), side: z.string().describe("Side.") }).describe("Where."),
    text: z.string().describe("Text; never answered."),
    font: z.string().optional().describe("Font; the service's default is sans."),
    title: z.string().default("Label").describe("Title; never answered."),
    awaitTimeouts: awaitTimeoutsField,
    skipAwait: skipAwaitField,
    importId: importIdField,
  }),
  outputs: z.object({ id: z.string() }),
  immutable: ["at", "text"],
  importScope: ["at.widgetId", "at.side"],
  unreadable: ["text"],
  serverDefaults: { font: ["sans"] },
  identity: { by: "none", doc: "labels cannot be listed" },
  api: {
    async create(_ctx, i) {
      const id = `l${server.next++}`;
      labels.set(id, { at: i.at, text: i.text, font: i.font });
      return { id, state: { id } };
    },
    // Read through its widget's side, as the service lists labels: the answer does not repeat the side.
    async read(_ctx, id, i) {
      const l = labels.get(id);
      return l && isDeepStrictEqual(l.at, i.at) ? { inputs: { font: l.font ?? "sans" }, state: { id } } : undefined;
    },
    async delete(_ctx, id) {
      labels.delete(id);
    },
  },
});

const SETTINGS: Record<string, string> = { "edgeai:region": "cn-north-4", "edgeai:projectId": "0123456789abcdef0123456789abcdef", "edgeai:accessKey": "AK", "edgeai:secretKey": "SK" };
const configured = (settings: Record<string, string>) => configure({ config: { get: (key: string) => settings[key] } } as never);
let printed: string[] = [];

beforeAll(() => {
  definitions.push(widget, part, map, note, badge, label);
});
afterAll(() => {
  for (const def of [widget, part, map, note, badge, label]) definitions.splice(definitions.indexOf(def), 1);
  setProgressSink((message) => console.log(progressLine(message)));
});
beforeEach(async () => {
  await configured(SETTINGS);
  server.objects.clear();
  server.calls = [];
  for (const q of Object.values(server.fail)) q.length = 0;
  server.loseCreateAnswer = 0;
  server.rivalPart = false;
  (part.identity as NewObjectIdentity<Props>).whenFound = undefined;
  server.next = 1;
  partsByWidget.clear();
  notes.clear();
  badges.clear();
  labels.clear();
  printed = [];
  setProgressSink((message) => printed.push(progressLine(message)));
});
afterEach(() => {
  setProgressSink((message) => console.log(progressLine(message)));
});

async function checked(type: string, args: Props): Promise<Props> {
  const result = await handlers.check(type, {}, { ...args, __provider: PROVIDER });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}
const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("the call succeeded"), (e: Error) => e);

describe("check", () => {
  it("answers the inputs with defaults applied and the resource's name and provider kept", async () => {
    const result = await handlers.check(WIDGET, {}, { name: "gear", [NAME_KEY]: "my-gear", __provider: PROVIDER });
    expect(result).toEqual({ inputs: { name: "gear", size: 1, skipAwait: false, [NAME_KEY]: "my-gear", __provider: PROVIDER } });
  });

  it("drops inputs the type does not take, and works without old inputs", async () => {
    expect((await handlers.check(WIDGET, undefined as never, { name: "gear", colour: "red" })).inputs).toEqual({ name: "gear", size: 1, skipAwait: false });
    expect((await handlers.check(WIDGET, {}, { name: UNKNOWN, colour: "red" })).inputs).toEqual({ name: UNKNOWN, size: 1, skipAwait: false });
  });

  it("names the type, the field path and the rule of each failure", async () => {
    const result = await handlers.check(WIDGET, {}, { name: "Gear", size: 1.5, labels: { team: "too-long" }, importId: "" });
    expect(result.failures).toEqual([
      { property: "name", reason: "edgeai:hilens:TestWidget: field \"name\": must be lowercase letters and '-'" },
      { property: "size", reason: "edgeai:hilens:TestWidget: field \"size\": Invalid input: expected int, received number" },
      { property: "labels.team", reason: "edgeai:hilens:TestWidget: field \"labels.team\": Too big: expected string to have <=5 characters" },
      { property: "importId", reason: expect.stringMatching(/^edgeai:hilens:TestWidget: field "importId": /) },
    ]);
  });

  it("a rule between fields is named by the field it puts at fault", async () => {
    const result = await handlers.check(WIDGET, {}, { name: "gear", zone: "cold", size: 3 });
    expect(result.failures).toEqual([{ property: "zone", reason: 'edgeai:hilens:TestWidget: field "zone": holds widgets of size 2 at most when cold' }]);
    expect((await handlers.check(WIDGET, {}, { name: "gear", zone: "cold", size: 2 })).failures).toBeUndefined();
  });

  it("an issue with the inputs as a whole is named as such", async () => {
    const result = await handlers.check(MAP, {}, { file: "a.bin", colour: "red" });
    expect(result.failures).toEqual([{ property: "(inputs)", reason: expect.stringMatching(/^edgeai:hilens:TestMap: field "\(inputs\)": .*colour/) }]);
  });

  it("with a field unknown in preview, validates and normalises the known fields one by one", async () => {
    const result = await handlers.check(WIDGET, {}, { name: UNKNOWN, labels: { team: UNKNOWN }, __provider: PROVIDER });
    expect(result).toEqual({ inputs: { name: UNKNOWN, labels: { team: UNKNOWN }, size: 1, skipAwait: false, __provider: PROVIDER } });
    const bad = await handlers.check(WIDGET, {}, { name: UNKNOWN, size: "big" });
    expect(bad.failures?.map((f) => f.property)).toEqual(["size"]);
  });

  it("gives a field holding a value unknown in preview its defaults around it, so the preview does not show them removed", async () => {
    const result = await handlers.check(BADGE, {}, { widgetId: "w1", slot: "top", colour: "red", border: { colour: UNKNOWN } });
    expect(result).toEqual({ inputs: { widgetId: "w1", slot: "top", colour: "red", border: { colour: UNKNOWN, width: 1 } } });
  });

  it("fails in preview, before any request, when the service's settings are missing", async () => {
    await configured({ "edgeai:region": "cn-north-4" });
    const result = await handlers.check(WIDGET, {}, { name: "gear" });
    expect(result.failures).toEqual([{ property: "", reason: expect.stringMatching(/^edgeai: (no Huawei Cloud credentials|projectId is required)/) }]);
  });
});

describe("diff", () => {
  const olds = { name: "gear", size: 2, zone: "a", labels: { team: "x" }, skipAwait: false, id: "w1", status: "ACTIVE", __provider: "old" };

  it("labels its preview lines with the resource's name from the old state when the new inputs lack it", async () => {
    await handlers.diff(WIDGET, "w1", { ...olds, [NAME_KEY]: "old-name" }, { ...olds, zone: "b" });
    expect(printed).toEqual(['edgeai:hilens:TestWidget "old-name": will be replaced: "zone" (changes; cannot change in place)']);
  });

  it("of a type without a unique name never deletes first", async () => {
    expect(await handlers.diff(PART, "p1", { widgetId: "w1", kind: "bolt" }, { widgetId: "w2", kind: "bolt" })).toMatchObject({ replaces: ["widgetId"], deleteBeforeReplace: false });
  });

  it("lists the changed inputs; server fields, waits, importId and null versus unset are not changes", async () => {
    expect(await handlers.diff(WIDGET, "w1", { ...olds, zone: null }, { ...olds, zone: undefined })).toMatchObject({ changes: false });
    expect(await handlers.diff(WIDGET, "w1", { ...olds, description: null }, { ...olds, awaitTimeouts: { create: "5m" }, skipAwait: true, importId: "w1", __provider: "new" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
      changed: [],
    });
    expect(await handlers.diff(WIDGET, "w1", olds, { ...olds, size: 3, labels: { team: "y" } })).toMatchObject({ changes: true, replaces: [], changed: ["size", "labels"] });
    expect(printed).toEqual([]);
  });

  it("replaces on an immutable input, deleting first when the unique name stays, and says why in the preview", async () => {
    expect(await handlers.diff(WIDGET, "w1", olds, { ...olds, zone: "b", [NAME_KEY]: "my-gear" })).toEqual({ changes: true, replaces: ["zone"], deleteBeforeReplace: true, changed: ["zone"] });
    expect(printed).toEqual(['edgeai:hilens:TestWidget "my-gear": will be replaced: "zone" (changes; cannot change in place)']);
    printed = [];
    expect(await handlers.diff(WIDGET, "w1", olds, { ...olds, name: "cog", zone: "b" })).toMatchObject({ replaces: ["name", "zone"], deleteBeforeReplace: false });
    expect(printed).toEqual(['edgeai:hilens:TestWidget: will be replaced: "name" (changes; cannot change in place), "zone" (changes; cannot change in place)']);
  });

  it("replaces when a change goes the way the definition cannot make in place, and only then", async () => {
    expect(await handlers.diff(WIDGET, "w1", olds, { ...olds, size: 1 })).toMatchObject({ replaces: ["size"], deleteBeforeReplace: true });
    expect(printed).toEqual(['edgeai:hilens:TestWidget: will be replaced: "size" (changes; this change cannot be made in place)']);
    expect(await handlers.diff(WIDGET, "w1", olds, { ...olds, size: 5 })).toMatchObject({ replaces: [] });
  });

  it("of an input the service never answers: absent from an imported state, the program's value is no change; recorded, a change of it is", async () => {
    const imported = { at: FRONT, font: "sans", title: "Label", id: "l1" };
    const program = await checked(LABEL, { at: FRONT, text: "hello" });
    expect(await handlers.diff(LABEL, "l1", imported, program)).toMatchObject({ changes: false, replaces: [] });
    expect(await handlers.diff(LABEL, "l1", { ...imported, text: "hello" }, { ...program, text: "bye" })).toMatchObject({ changes: true, replaces: ["text"], changed: ["text"] });
  });

  it("of an input the program leaves unset that holds the service's default is no change; another value set or left is", async () => {
    const olds = { at: FRONT, text: "hello", title: "Label", id: "l1" };
    const program = await checked(LABEL, { at: FRONT, text: "hello" });
    expect(await handlers.diff(LABEL, "l1", { ...olds, font: "sans" }, program)).toMatchObject({ changes: false });
    expect(await handlers.diff(LABEL, "l1", { ...olds, font: "sans" }, { ...program, font: "serif" })).toMatchObject({ changes: true, changed: ["font"] });
    expect(await handlers.diff(LABEL, "l1", { ...olds, font: "serif" }, program)).toMatchObject({ changes: true, changed: ["font"] });
  });

  it("a value unknown in preview is a change, and a replacement says it depends on another resource", async () => {
    expect(await handlers.diff(WIDGET, "w1", olds, { ...olds, zone: UNKNOWN, labels: { team: UNKNOWN } })).toMatchObject({ changes: true, changed: ["zone", "labels"], replaces: ["zone"] });
    expect(printed).toEqual(['edgeai:hilens:TestWidget: will be replaced: "zone" (will change: its new value is known only after its dependency is updated or replaced; cannot change in place)']);
  });
});

describe("create", () => {
  it("answers the inputs and server fields as outputs, with the resource's name", async () => {
    const result = await handlers.create(WIDGET, { ...(await checked(WIDGET, { name: "gear", zone: "a" })), [NAME_KEY]: "my-gear" });
    expect(result).toEqual({ id: "w1", outs: { name: "gear", size: 1, zone: "a", skipAwait: false, id: "w1", status: "ACTIVE", secretCode: "code-w1", [NAME_KEY]: "my-gear" } });
  });

  it("of a resource whose program passes no name answers outputs without a name key (the engine refuses undefined values)", async () => {
    const result = await handlers.create(WIDGET, await checked(WIDGET, { name: "gear" }));
    expect(result).toStrictEqual({ id: "w1", outs: { name: "gear", size: 1, skipAwait: false, id: "w1", status: "ACTIVE", secretCode: "code-w1" } });
  });

  it("that fails with a thrown value that is not an Error reports an Error naming it, for the engine's provider host reads its message", async () => {
    const message = "pulumi-edgeai: failed with undefined, which is not an Error (a bug in pulumi-edgeai)";
    server.fail.create.push(undefined);
    const err = await failure(handlers.create(WIDGET, { ...(await checked(WIDGET, { name: "gear" })), [NAME_KEY]: "my-gear" }));
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(message);
    expect(err.stack).toMatch(/\n\s+at /);
    server.objects.set("w1", { name: "gear", size: 1, status: "ACTIVE" });
    server.fail.update.push(null);
    const olds = { name: "gear", size: 1, skipAwait: false, id: "w1", __provider: PROVIDER };
    const updateErr = await failure(handlers.update(WIDGET, "w1", olds, { ...(await checked(WIDGET, { name: "gear", size: 2 })), [NAME_KEY]: "my-gear" }));
    expect(updateErr.message).toBe(message.replace("undefined", "null"));
  });

  it("that fails with a plain error leaves it as it is, with no partial-create properties", async () => {
    server.fail.create.push(new ApiError("hilens", "POST", "/widgets", 400, "HIL.400", "bad"));
    const err = await failure(handlers.create(WIDGET, { ...(await checked(WIDGET, { name: "gear" })), [NAME_KEY]: "my-gear" }));
    expect((err as Error & { properties?: unknown }).properties).toBeUndefined();
  });

  it("of a taken name says how to adopt the existing object, naming its ID when it can be found", async () => {
    await handlers.create(WIDGET, await checked(WIDGET, { name: "gear" }));
    const err = await failure(handlers.create(WIDGET, await checked(WIDGET, { name: "gear" })));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('edgeai:hilens:TestWidget: an object named "gear" already exists (id w1): set `importId: "w1"` on this resource to adopt it, or choose another name. (HIL.409: widget gear exists)');
    server.fail.find.push(new Error("list failed"));
    const unfound = await failure(handlers.create(WIDGET, await checked(WIDGET, { name: "gear" })));
    expect(unfound.message).toBe('edgeai:hilens:TestWidget: an object named "gear" already exists: set `importId` to its ID on this resource to adopt it, or choose another name. (HIL.409: widget gear exists)');
  });

  it("refused for another reason answers the service's error, with no stack frames", async () => {
    server.fail.create.push(new ApiError("hilens", "POST", "/widgets", 400, "HIL.400", "quota exceeded"));
    const err = await failure(handlers.create(WIDGET, await checked(WIDGET, { name: "gear" })));
    expect(`${err}: ${err.stack}`).toBe("ApiError: hilens POST /widgets failed: HTTP 400 HIL.400: quota exceeded");
  });

  it("whose object is not ready is a partial create: the engine keeps the ID, the outputs so far and the name", async () => {
    server.fail.create.push(new NotReadyError("widget w9 failed to start", "w9", { id: "w9", status: "FAILED" }));
    const err = (await failure(handlers.create(WIDGET, { ...(await checked(WIDGET, { name: "gear" })), [NAME_KEY]: "my-gear" }))) as NotReadyError & { properties: Props; reasons: string[] };
    expect(err.id).toBe("w9");
    expect(err.properties).toEqual({ name: "gear", size: 1, skipAwait: false, id: "w9", status: "FAILED", __provider: PROVIDER, [NAME_KEY]: "my-gear" });
    expect(err.reasons).toEqual(["widget w9 failed to start"]);
  });

  it("whose answer was lost finds the object by its name and adopts it, saying so", async () => {
    server.loseCreateAnswer = 1;
    const result = await handlers.create(WIDGET, await checked(WIDGET, { name: "gear", labels: { team: "x" } }));
    expect(result.id).toBe("w1");
    // The create would have waited for the widget: the adoption still does (an update), and no importId is recorded.
    expect(server.calls).toEqual(["create gear", "read w1", "update w1"]);
    expect(result.outs).not.toHaveProperty("importId");
    expect(printed).toEqual(['edgeai:hilens:TestWidget: object "gear": no answer to POST /widgets (socket hang up); found it (id w1), adopting']);
  });

  it("whose answer was lost and whose object is not there is sent again, at most 4 times", async () => {
    server.fail.create.push(lost(), lost(), lost(), lost());
    const err = await failure(handlers.create(WIDGET, await checked(WIDGET, { name: "gear" })));
    expect(err.message).toBe('edgeai:hilens:TestWidget "gear": no answer to POST /widgets (socket hang up), 4 times; nothing was created');
    expect(server.calls).toEqual(["create gear", "create gear", "create gear", "create gear"]);
    expect(printed.slice(0, 2)).toEqual([
      'edgeai:hilens:TestWidget: object "gear": no answer to POST /widgets (socket hang up); it was not created',
      'edgeai:hilens:TestWidget: object "gear": creating it again (attempt 2 of 4)',
    ]);
    server.fail.create.push(lost());
    expect((await handlers.create(WIDGET, await checked(WIDGET, { name: "gear" }))).id).toBe("w1");
  });

  it("whose answer was lost and whose object is not there, of an object without a unique name, says which type failed", async () => {
    server.fail.create.push(lost(), lost(), lost(), lost());
    const err = await failure(handlers.create(PART, await checked(PART, { widgetId: "w1", kind: "bolt" })));
    expect(err.message).toBe("edgeai:hilens:TestPart: no answer to POST /widgets (socket hang up), 4 times; nothing was created");
    expect(printed[0]).toBe("edgeai:hilens:TestPart: object: no answer to POST /widgets (socket hang up); it was not created");
  });

  it("whose answer was lost and whose found object fails to converge keeps the found ID", async () => {
    server.loseCreateAnswer = 1;
    server.fail.read.push(new ApiError("hilens", "GET", "/widgets/w1", 503, "HIL.503", "busy"));
    const err = (await failure(handlers.create(WIDGET, await checked(WIDGET, { name: "gear" })))) as NotReadyError & { properties: Props };
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err.id).toBe("w1");
    expect(err.message).toBe("hilens GET /widgets/w1 failed: HTTP 503 HIL.503: busy (the object exists as w1; the next `pulumi up` completes it)");
    expect(err.properties).toMatchObject({ name: "gear", __provider: PROVIDER });
  });

  it("whose answer was lost adopts a same-named object that lacks only what is set after the create", async () => {
    server.objects.set("w7", { name: "gear", size: 1, labels: {}, status: "ACTIVE" });
    server.fail.create.push(lost());
    expect((await handlers.create(WIDGET, await checked(WIDGET, { name: "gear", labels: { team: "x" } }))).id).toBe("w7");
  });

  it("whose answer was lost does not take over a same-named object that differs from what it sent", async () => {
    server.objects.set("w7", { name: "gear", size: 9, status: "ACTIVE" });
    server.fail.create.push(lost());
    const err = await failure(handlers.create(WIDGET, await checked(WIDGET, { name: "gear", size: 1 })));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      'edgeai:hilens:TestWidget: the object w7 found after a lost answer differs from the program ("size"), so it is not the one this create made: the name was already taken. Nothing was changed; adopt it with importId "w7", or choose another name',
    );
    expect(server.objects.get("w7")!.size).toBe(9);
  });

  it("whose answer was lost does not take over an object found by its scope that differs, naming every differing field", async () => {
    notes.set("n7", { widgetId: "w1", text: "someone else's", pinned: true });
    server.fail.create.push(lost());
    const err = await failure(handlers.create(NOTE, await checked(NOTE, { widgetId: "w1", text: "mine" })));
    expect(err.message).toBe(
      'edgeai:hilens:TestNote: the object n7 found after a lost answer differs from the program ("text", "pinned"), so it is not the one this create made: the name was already taken. Nothing was changed; adopt it with importId "n7", or choose another name',
    );
    expect(notes.get("n7")).toEqual({ widgetId: "w1", text: "someone else's", pinned: true });
  });

  it("of a taken place, of an object without a unique name, says how to adopt the existing object", async () => {
    await handlers.create(NOTE, await checked(NOTE, { widgetId: "w1", text: "first" }));
    const err = await failure(handlers.create(NOTE, await checked(NOTE, { widgetId: "w1", text: "second" })));
    expect(err.message).toBe('edgeai:hilens:TestNote: an object already exists (id n1): set `importId: "n1"` on this resource to adopt it, or choose another name. (HIL.409: widget w1 has a note)');
  });

  it("whose answer was lost, of an object found by what is new, adopts it even when it differs from the program (it is the one made), and converges it", async () => {
    server.loseCreateAnswer = 1;
    const made = await handlers.create(BADGE, await checked(BADGE, { widgetId: "w1", slot: "top", colour: "red" }));
    expect(made).toEqual({ id: "b1", outs: { widgetId: "w1", slot: "top", colour: "red", id: "b1" } });
    expect(server.calls).toEqual(["create badge w1/top", "read badge b1", "update badge b1"]);
    expect(badges.get("b1")!.colour).toBe("red");
  });

  it("whose answer was lost, of an object found by what is new, adopts the one new object; two new ones are refused", async () => {
    partsByWidget.set("w1", ["p0"]);
    server.loseCreateAnswer = 1;
    const made = await handlers.create(PART, await checked(PART, { widgetId: "w1", kind: "bolt" }));
    expect(made).toEqual({ id: "p1", outs: { widgetId: "w1", kind: "bolt", id: "p1" } });
    expect(printed).toEqual(["edgeai:hilens:TestPart: object: no answer to POST /widgets (socket hang up); found it (id p1), adopting"]);
    server.loseCreateAnswer = 1;
    server.rivalPart = true;
    const err = await failure(handlers.create(PART, await checked(PART, { widgetId: "w1", kind: "bolt" })));
    expect(err.message).toBe(
      "edgeai:hilens:TestPart: a create's answer was lost and 2 new matching objects appeared meanwhile (p2, p3): another client creates in the same place; adopt the right one with `importId`",
    );
  });

  it("whose answer was lost, of an object whose answer cannot be read again, deletes what was made and creates it anew", async () => {
    (part.identity as NewObjectIdentity<Props>).whenFound = "recreate";
    server.loseCreateAnswer = 1;
    const made = await handlers.create(PART, await checked(PART, { widgetId: "w1", kind: "bolt" }));
    expect(made.id).toBe("p2");
    expect(server.calls).toEqual(["create part w1", "delete part w1/p1", "create part w1"]);
    expect(partsByWidget.get("w1")).toEqual(["p2"]);
    expect(printed[0]).toBe("edgeai:hilens:TestPart: object: no answer to POST /widgets (socket hang up); found it (id p1), but what the answer carried cannot be read again: deleting it to create it anew");
  });

  it("refused as a name conflict, of an object without a unique name, is the service's error", async () => {
    server.fail.create.push(new ApiError("hilens", "POST", "/parts", 409, "HIL.409", "busy"));
    const err = await failure(handlers.create(PART, await checked(PART, { widgetId: "w1", kind: "bolt" })));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error & { properties?: unknown }).properties).toBeUndefined();
  });

  it("whose answer was lost, of an object that cannot be looked up, is not sent again", async () => {
    const err = await failure(handlers.create(MAP, await checked(MAP, { file: "a.bin" })));
    expect(err.message).toBe("edgeai:hilens:TestMap: no answer to POST /widgets (socket hang up); it is not sent again, since the document has no read for maps");
    expect(server.calls).toEqual(["create map"]);
  });
});

describe("importId", () => {
  it("adopts the object, converging what differs, and remembers the importId", async () => {
    server.objects.set("w5", { name: "gear", size: 1, zone: "a", status: "ACTIVE" });
    const result = await handlers.create(WIDGET, await checked(WIDGET, { name: "gear", zone: "a", size: 3, importId: "w5" }));
    expect(result).toEqual({ id: "w5", outs: { name: "gear", zone: "a", size: 3, skipAwait: false, id: "w5", status: "UPDATED", importId: "w5" } });
    expect(server.calls).toEqual(["read w5", "update w5"]);
  });

  it("is still recorded after a later update in place", async () => {
    server.objects.set("w5", { name: "gear", size: 1, status: "ACTIVE" });
    const adopted = await handlers.create(WIDGET, await checked(WIDGET, { name: "gear", importId: "w5" }));
    const updated = await handlers.update(WIDGET, "w5", adopted.outs!, await checked(WIDGET, { name: "gear", size: 2, importId: "w5" }));
    expect(updated.outs).toMatchObject({ size: 2, importId: "w5" });
  });

  it("does not compare immutable inputs that the program or the object leaves unset", async () => {
    server.objects.set("w5", { name: "gear", size: 1, zone: "b", status: "ACTIVE" });
    expect((await handlers.create(WIDGET, await checked(WIDGET, { name: "gear", importId: "w5" }))).id).toBe("w5");
    server.objects.set("w6", { name: "cog", size: 1, status: "ACTIVE" });
    expect((await handlers.create(WIDGET, await checked(WIDGET, { name: "cog", zone: "a", importId: "w6" }))).id).toBe("w6");
  });

  it("of an object that already matches sends no update", async () => {
    server.objects.set("w5", { name: "gear", size: 1, status: "ACTIVE" });
    await handlers.create(WIDGET, await checked(WIDGET, { name: "gear", importId: "w5" }));
    expect(server.calls).toEqual(["read w5"]);
  });

  it("refuses an object whose immutable inputs differ, or none at all", async () => {
    server.objects.set("w5", { name: "gear", size: 1, zone: "b", status: "ACTIVE" });
    const err = await failure(handlers.create(WIDGET, await checked(WIDGET, { name: "cog", zone: "a", importId: "w5" })));
    expect(err.message).toBe(
      'edgeai:hilens:TestWidget: importId "w5": immutable field(s) "name", "zone" differ between the program and the existing object; change the program to match (adopting would otherwise replace it)',
    );
    const none = await failure(handlers.create(WIDGET, await checked(WIDGET, { name: "gear", importId: "w404" })));
    expect(none.message).toBe('edgeai:hilens:TestWidget: importId "w404": no such object to adopt');
  });
});

describe("read", () => {
  const state = { name: "gear", size: 1, labels: { team: "x" }, skipAwait: false, id: "w1", status: "ACTIVE", secretCode: "code-w1", [NAME_KEY]: "my-gear", __provider: PROVIDER };

  it("answers the live values of the inputs the program set, keeping server fields that cannot be read again", async () => {
    server.objects.set("w1", { name: "gear", size: 4, zone: "server-default", labels: { team: "y" }, status: "ACTIVE" });
    const result = await handlers.read(WIDGET, "w1", state);
    expect(result).toEqual({
      id: "w1",
      props: { name: "gear", size: 4, labels: { team: "y" }, skipAwait: false, id: "w1", status: "ACTIVE", secretCode: "code-w1", [NAME_KEY]: "my-gear" },
      inputs: { name: "gear", size: 4, labels: { team: "y" }, skipAwait: false, [NAME_KEY]: "my-gear" },
    });
  });

  it("keeps an importId in the outputs and the inputs", async () => {
    server.objects.set("w1", { name: "gear", size: 1, status: "ACTIVE" });
    const result = await handlers.read(WIDGET, "w1", { ...state, importId: "w1" });
    expect(result.props).toMatchObject({ importId: "w1" });
    expect(result.inputs).toMatchObject({ importId: "w1" });
  });

  it("of an object that is gone answers nothing; another failure is an error", async () => {
    expect(await handlers.read(WIDGET, "w1", state)).toEqual({});
    server.objects.set("w1", { name: "gear", size: 1, status: "ACTIVE" });
    server.fail.read.push(new ApiError("hilens", "GET", "/widgets/w1", 500, "HIL.500", "down"));
    expect((await failure(handlers.read(WIDGET, "w1", state))).message).toContain("HTTP 500 HIL.500: down");
  });

  it("by an import ID alone takes the scope from the ID", async () => {
    partsByWidget.set("w1", ["p4"]);
    const result = await handlers.read(PART, "w1/p4", {});
    expect(result).toEqual({ id: "p4", props: { widgetId: "w1", kind: "bolt", id: "p4" }, inputs: { widgetId: "w1", kind: "bolt" } });
    expect(server.calls).toEqual(["read part w1/p4"]);
    // A dynamic resource's `get` (the class with the `id` option) sends the provider and the name alone.
    expect((await handlers.read(PART, "w1/p4", { __provider: PROVIDER, [NAME_KEY]: "found" })).props).toEqual({ widgetId: "w1", kind: "bolt", id: "p4", [NAME_KEY]: "found" });
  });

  it("by an import ID whose own part holds a '/' keeps it", async () => {
    partsByWidget.set("w1", ["p/4"]);
    expect((await handlers.read(PART, "w1/p/4", {})).id).toBe("p/4");
  });

  it("by an import ID with a scope of two inputs takes both, and refuses an ID lacking one, naming both", async () => {
    badges.set("b4", { widgetId: "w1", slot: "top", colour: "red" });
    expect(await handlers.read(BADGE, "w1/top/b4", {})).toEqual({ id: "b4", props: { widgetId: "w1", slot: "top", colour: "red", id: "b4" }, inputs: { widgetId: "w1", slot: "top", colour: "red" } });
    expect((await failure(handlers.read(BADGE, "w1/b4", {}))).message).toBe(
      'edgeai:hilens:TestBadge: import ID "w1/b4" must be <widgetId>/<slot>/<id>: the documented paths need widgetId, slot to find the object',
    );
  });

  it("by an import ID alone gives the fields the service does not answer their defaults, but not the waits' settings", async () => {
    labels.set("l1", { at: FRONT, text: "hello" });
    expect(await handlers.read(LABEL, "w1/front/l1", {})).toEqual({
      id: "l1",
      props: { at: FRONT, font: "sans", title: "Label", id: "l1" },
      inputs: { at: FRONT, font: "sans", title: "Label" },
    });
  });

  it("by the import ID importIdOf writes finds the object, whatever its scope (none, inputs, an object input's fields)", async () => {
    server.objects.set("w1", { name: "gear", size: 1, status: "ACTIVE" });
    partsByWidget.set("w1", ["p4"]);
    badges.set("b4", { widgetId: "w1", slot: "top", colour: "red" });
    labels.set("l4", { at: FRONT, text: "hello" });
    const ids = [importIdOf(widget, "w1", { name: "gear" }), importIdOf(part, "p4", { widgetId: "w1", kind: "bolt" }), importIdOf(badge, "b4", { widgetId: "w1", slot: "top" }), importIdOf(label, "l4", { at: FRONT })];
    expect(ids).toEqual(["w1", "w1/p4", "w1/top/b4", "w1/front/l4"]);
    expect((await handlers.read(WIDGET, ids[0], {})).id).toBe("w1");
    expect((await handlers.read(PART, ids[1], {})).id).toBe("p4");
    expect((await handlers.read(BADGE, ids[2], {})).id).toBe("b4");
    expect((await handlers.read(LABEL, ids[3], {})).props).toMatchObject({ at: FRONT });
  });

  it("by an import ID without its scope is refused, saying what the ID must be", async () => {
    const message = 'edgeai:hilens:TestPart: import ID "p4" must be <widgetId>/<id>: the documented paths need widgetId to find the object';
    expect((await failure(handlers.read(PART, "p4", {}))).message).toBe(message);
    expect((await failure(handlers.read(PART, "/p4", {}))).message).toBe(message.replace('"p4"', '"/p4"'));
    expect((await failure(handlers.read(PART, "w1/", {}))).message).toBe(message.replace('"p4"', '"w1/"'));
    expect(server.calls).toEqual([]);
  });
});

describe("update", () => {
  const olds = { name: "gear", size: 1, skipAwait: false, id: "w1", status: "ACTIVE", secretCode: "code-w1", __provider: PROVIDER };

  it("answers the new inputs with the server fields, old ones that cannot be read again kept", async () => {
    server.objects.set("w1", { name: "gear", size: 1, status: "ACTIVE" });
    const result = await handlers.update(WIDGET, "w1", olds, { ...(await checked(WIDGET, { name: "gear", size: 2 })), [NAME_KEY]: "my-gear" });
    expect(result).toEqual({ outs: { name: "gear", size: 2, skipAwait: false, id: "w1", status: "UPDATED", secretCode: "code-w1", [NAME_KEY]: "my-gear" } });
  });

  it("refuses bad input before any request, naming every failure", async () => {
    const err = await failure(handlers.update(WIDGET, "w1", olds, { name: "Gear", size: 1.5 }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("edgeai:hilens:TestWidget: field \"name\": must be lowercase letters and '-'; edgeai:hilens:TestWidget: field \"size\": Invalid input: expected int, received number");
    expect(server.calls).toEqual([]);
  });

  it("of an object that is not ready is a partial update keeping the provider and the name", async () => {
    server.objects.set("w1", { name: "gear", size: 1, status: "ACTIVE" });
    server.fail.update.push(new NotReadyError("still starting", "w1", { status: "STARTING" }));
    const err = (await failure(handlers.update(WIDGET, "w1", olds, { ...(await checked(WIDGET, { name: "gear", size: 2 })), [NAME_KEY]: "my-gear" }))) as Error & { properties: Props };
    expect(err.properties).toEqual({ name: "gear", size: 2, skipAwait: false, id: "w1", status: "STARTING", secretCode: "code-w1", __provider: PROVIDER, [NAME_KEY]: "my-gear" });
  });

  it("that fails with a plain error carries no partial-update properties", async () => {
    server.objects.set("w1", { name: "gear", size: 1, status: "ACTIVE" });
    server.fail.update.push(new ApiError("hilens", "PUT", "/widgets/w1", 400, "HIL.400", "bad"));
    const err = await failure(handlers.update(WIDGET, "w1", olds, { ...(await checked(WIDGET, { name: "gear", size: 2 })), [NAME_KEY]: "my-gear" }));
    expect((err as Error & { properties?: unknown }).properties).toBeUndefined();
  });

  it("of a type without in-place updates of an object gone meanwhile answers the inputs alone", async () => {
    expect(await handlers.update(PART, "p4", { widgetId: "w1", kind: "bolt", id: "p4" }, await checked(PART, { widgetId: "w1", kind: "bolt" }))).toEqual({ outs: { widgetId: "w1", kind: "bolt", id: "p4" } });
  });

  it("of a type without in-place updates reads the object again (finishing a partial create)", async () => {
    partsByWidget.set("w1", ["p4"]);
    // A partial create's outputs may lack the server fields: they come from the read.
    const result = await handlers.update(PART, "p4", { widgetId: "w1", kind: "bolt" }, await checked(PART, { widgetId: "w1", kind: "bolt" }));
    expect(result).toEqual({ outs: { widgetId: "w1", kind: "bolt", id: "p4" } });
    expect(server.calls).toEqual(["read part w1/p4"]);
  });
});

describe("delete", () => {
  it("of an object already gone succeeds; another refusal is the service's error", async () => {
    await handlers.delete(WIDGET, "w1", { name: "gear" });
    server.objects.set("w1", { name: "gear", size: 1, status: "ACTIVE" });
    server.fail.delete.push(new ApiError("hilens", "DELETE", "/widgets/w1", 409, "HIL.409", "in use"));
    expect((await failure(handlers.delete(WIDGET, "w1", { name: "gear" }))).message).toBe("hilens DELETE /widgets/w1 failed: HTTP 409 HIL.409: in use");
    expect(server.objects.has("w1")).toBe(true);
  });

  it("a bug keeps its stack frames", async () => {
    server.fail.delete.push(new TypeError("x is undefined"));
    expect((await failure(handlers.delete(WIDGET, "w1", {}))).stack).toMatch(/\n\s+at /);
  });
});

describe("previous outputs of an imported object, completed with the recorded inputs", () => {
  it("take the inputs the service never answers from the recorded inputs, only where they lack them", () => {
    const imported = { at: FRONT, font: "sans", id: "l1" };
    expect(withRecordedInputs(LABEL, imported, { at: FRONT, text: "hello", font: "serif" })).toEqual({ ...imported, text: "hello" });
    expect(withRecordedInputs(LABEL, { ...imported, text: "hello" }, { text: "recorded later" })).toEqual({ ...imported, text: "hello" });
    expect(withRecordedInputs(WIDGET, { name: "gear" }, { name: "cog", size: 2 })).toEqual({ name: "gear" });
  });
});

describe("an unknown resource type", () => {
  it("says the installed package may be older than the program", async () => {
    expect((await failure(handlers.create("edgeai:hilens:Nope", {}))).message).toBe("pulumi-edgeai: unknown resource type edgeai:hilens:Nope (is the installed pulumi-edgeai older than the program?)");
  });
});

describe("configuration and the engine's entry points", () => {
  it("a malformed TensorBay key fails when the provider is configured, before any resource", async () => {
    await expect(configured({ ...SETTINGS, "edgeai:tensorbayAccessKey": "not-a-key" })).rejects.toThrow(InputError);
  });

  it("the provider of one type serves each operation for that type", async () => {
    const served = provider(WIDGET);
    expect((await served.check!({}, { name: "gear" })).inputs).toMatchObject({ name: "gear", size: 1 });
    expect(await served.diff!("w1", { name: "gear", size: 1 }, { name: "gear", size: 2 })).toMatchObject({ changes: true, replaces: [] });
    const made = await served.create({ ...(await checked(WIDGET, { name: "gear" })) });
    expect(made.id).toBe("w1");
    expect((await served.read!("w1", made.outs)).props).toMatchObject({ name: "gear" });
    expect((await served.update!("w1", made.outs, { ...(await checked(WIDGET, { name: "gear", size: 2 })) })).outs).toMatchObject({ size: 2, status: "UPDATED" });
    await served.delete!("w1", made.outs);
    expect(server.objects.size).toBe(0);
  });

  it("values unknown in preview are found at any depth", () => {
    expect(containsUnknown(UNKNOWN)).toBe(true);
    expect(containsUnknown([1, [2, UNKNOWN]])).toBe(true);
    expect(containsUnknown({ a: 1, b: { c: UNKNOWN } })).toBe(true);
    expect(containsUnknown({ a: 1, b: [{ c: "known" }] })).toBe(false);
    expect(containsUnknown(null)).toBe(false);
  });
});

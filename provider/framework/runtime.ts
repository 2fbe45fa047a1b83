/**
 * The dynamic provider's implementation. The serialized provider object in state only
 * `require()`s this module at call time (see resource.ts), so state stays small and fixes here
 * reach resources created by older versions.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { resolveConfig, ConfigKey, ProviderConfig } from "../config";
import { hideStack, isAlreadyExists, isNotFound, InputError, OutcomeUnknownError, unlessNotFound } from "../client/errors";
import { definitions, lookups } from "../registry";
import { Context, importIdForm, NAME_KEY, NotReadyError, Props, ResourceDefinition, Service, token } from "./definition";
import { withResource } from "./progress";
import { containsUnknown, validateInputs } from "./validate";
import { AWAIT_KEYS } from "./await";
import { isDeepStrictEqual } from "node:util";
import { prune } from "./case";
import { contextFor } from "./context";
import { checkTensorbayAccessKey } from "../client/tensorbay";
import { invokeLookup, lookupToken, type LookupDefinition } from "./lookup";

const PROVIDER_KEY = "__provider";
const CONTROL_KEYS = new Set([PROVIDER_KEY, "importId", NAME_KEY]);

let config: ProviderConfig | undefined;
let context: Context | undefined;

/** Bad settings (an http:// endpoint, a malformed TensorBay key) fail here, so `preview` already reports them. */
export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
  config = resolveConfig((key: ConfigKey) => req.config.get(`edgeai:${key}`));
  if (config.tensorbayAccessKey !== undefined) checkTensorbayAccessKey(config.tensorbayAccessKey);
  context = undefined;
}

function currentConfig(): ProviderConfig {
  config ??= resolveConfig(() => undefined);
  return config;
}

function ctx(): Context {
  return (context ??= contextFor(currentConfig()));
}

function definitionOf(type: string): ResourceDefinition {
  const def = definitions.find((d) => token(d) === type);
  if (!def) throw new Error(`pulumi-edgeai: unknown resource type ${type} (is the installed pulumi-edgeai older than the program?)`);
  return def;
}

export function lookupOf(token: string): LookupDefinition<any, unknown> {
  const def = lookups.find((l) => lookupToken(l) === token);
  if (!def) throw new Error(`pulumi-edgeai: unknown function ${token} (is the installed pulumi-edgeai older than the program?)`);
  return def;
}

/** The user's inputs without engine keys. */
function userInputs(props: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) if (!CONTROL_KEYS.has(k)) out[k] = v;
  return out;
}

/** The input fields of a full set of outputs, for the API mapping: like the inputs of create and update, without `importId`. */
function inputsOf(def: ResourceDefinition, props: Props): Props {
  const out: Props = {};
  for (const key of Object.keys(def.inputs.shape)) {
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, read puts a recorded importId back itself, and no definition's read, update or delete looks at it.
    if (key === "importId") continue;
    if (props[key] !== undefined) out[key] = props[key];
  }
  return out;
}

function parse(def: ResourceDefinition, props: Props): Props {
  const { failures, parsed } = validateInputs(def, props);
  if (failures.length) throw new InputError(failures.map((f) => f.reason).join("; "));
  return parsed!;
}

/** Outputs: the inputs as applied plus the server fields, without null/undefined (the engine rejects them). */
function outputsOf(inputs: Props, state: Props): Props {
  return prune({ ...inputs, ...state });
}

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null ? undefined : v);
  return isDeepStrictEqual(norm(a), norm(b));
}

/** A diff and the fields that changed: the native plugin reports them one by one (a detailed diff); the dynamic provider host ignores them. */
export interface FieldDiff extends dynamic.DiffResult {
  /** Every changed field that forces a replacement, none listed when nothing does. */
  replaces: string[];
  changed: string[];
}

const impl = {
  async check(type: string, _olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const def = definitionOf(type);
    const { failures } = validateInputs(def, { ...userInputs(news), importId: news.importId });
    const missing = missingSettings(def.service);
    if (missing) failures.push({ property: "", reason: missing });
    if (failures.length) return { inputs: news, failures };
    // Inputs are returned normalised (defaults applied, documented types sent) field by field, so
    // that a default never looks like a change in a preview where some input is still unknown.
    return { inputs: prune({ ...normaliseFields(def, news), [NAME_KEY]: news[NAME_KEY], [PROVIDER_KEY]: news[PROVIDER_KEY] }) };
  },

  async diff(type: string, _id: string, olds: Props, news: Props): Promise<FieldDiff> {
    const def = definitionOf(type);
    const diffed = Object.keys(def.inputs.shape).filter((key) => key !== "importId" && !(AWAIT_KEYS as readonly string[]).includes(key));
    // A field the service never answers is absent after an import: the program's value is not a change.
    // Stryker disable next-line ArrayDeclaration: equivalent, an element that is no input's name matches no field.
    const unreadable = (def.unreadable ?? []) as readonly string[];
    const unread = (key: string) => unreadable.includes(key) && olds[key] === undefined;
    const serverDefaults = (def.serverDefaults ?? {}) as Record<string, readonly unknown[]>;
    // Left unset, a field holding what the service gives by default (as an imported object's state does) is unchanged.
    // Stryker disable next-line ArrayDeclaration: equivalent, a field without server defaults would then match only an old value equal to the element, Stryker's text.
    const defaulted = (key: string) => news[key] === undefined && (serverDefaults[key] ?? []).some((value) => same(olds[key], value));
    const changed = diffed.filter((key) => !unread(key) && (containsUnknown(news[key]) || (!same(olds[key], news[key]) && !defaulted(key))));
    const replaceWhen = (def.replaceWhen ?? {}) as Record<string, (olds: unknown, news: unknown) => boolean>;
    const replaces = changed.filter((key) => (def.immutable as readonly string[]).includes(key) || replaceWhen[key]?.(olds[key], news[key]));
    const keepsName = def.uniqueName !== undefined && !changed.includes(def.uniqueName);
    // Shown in the preview's Diagnostics (on the stack's row, prefixed with this resource's type and name).
    if (replaces.length) ctx().log(`will be replaced: ${replacementReasons(def, replaces, news)}`);
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && keepsName, changed };
  },

  async create(type: string, props: Props): Promise<dynamic.CreateResult> {
    const def = definitionOf(type);
    const inputs = parse(def, userInputs(props));
    const importId = props.importId as string | undefined;
    if (importId) return adopt(def, importId, inputs, "import");
    return createExactlyOnce(def, inputs, props);
  },

  async read(type: string, importedId: string, props: Props): Promise<dynamic.ReadResult> {
    const def = definitionOf(type);
    // An import through the native plugin (`pulumi import`, the `import` option) has no previous
    // state: the import ID also names the object's scope, and every live input is the program's
    // (they become the generated code and the inputs the program must match).
    const importing = Object.keys(userInputs(props)).length === 0;
    const { id, scope } = importing ? locate(def, importedId) : { id: importedId, scope: {} };
    const inputs = importing ? scope : inputsOf(def, props);
    const live = await readLive(def, id, inputs);
    if (!live) return {};
    const liveInputs = importing ? withDefaults(def, prune({ ...scope, ...live.inputs })) : overlay(inputs, live.inputs);
    const carried = carriedState(def, props);
    // outputsOf leaves an unset importId out.
    return { id, props: outputsOf(liveInputs, { ...carried, ...live.state, importId: props.importId }), inputs: outputsOf(liveInputs, { importId: props.importId }) };
  },

  async update(type: string, id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const def = definitionOf(type);
    const inputs = parse(def, userInputs(news));
    const carried = carriedState(def, olds);
    // Without an in-place update the engine only calls this to finish a partial create: read it again.
    const converge = def.api.update ?? (async () => (await readLive(def, id, inputs))?.state ?? {});
    const state = await converge(ctx(), id, inputsOf(def, olds), inputs, carried).catch((err) => {
      throw partiallyCreated(err, inputs, news, carried);
    });
    // An adopted object keeps its importId for as long as the program declares it, as read does.
    return { outs: outputsOf(inputs, { ...carried, ...state, importId: news.importId }) };
  },

  async delete(type: string, id: string, props: Props): Promise<void> {
    const def = definitionOf(type);
    try {
      await def.api.delete(ctx(), id, inputsOf(def, props), carriedState(def, props));
    } catch (err) {
      if (!isNotFound(err)) throw err; // already gone: deleting succeeds
    }
  },
};

/** `edgeai:hilens:ConfigMap "settings"`: the prefix of the resource's progress lines and messages. */
function labelOf(type: string, ...props: (Props | undefined)[]): string {
  const name = props.map((p) => p?.[NAME_KEY]).find((n) => typeof n === "string");
  return name ? `${type} "${name}"` : type;
}

/** The resource's name travels with its outputs, so update, read and delete can name it too. */
function withName(outs: Props, props: Props): Props {
  const name = props[NAME_KEY];
  return typeof name === "string" ? { ...outs, [NAME_KEY]: name } : outs;
}

/**
 * Every call runs with its resource's label (for progress lines); expected errors (the service
 * said no, bad input, an unreachable endpoint) lose their stack frames, bugs keep them.
 */
function traced<A extends unknown[], R>(label: (...args: A) => string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) =>
    withResource(label(...args), () => fn(...args)).catch((err) => {
      throw hideStack(asError(err));
    });
}

/** A thrown value that is not an Error (a bug) becomes one: the engine's provider host reads the message and stack of what it gets. */
function asError(err: unknown): unknown {
  return err instanceof Error ? err : new Error(`pulumi-edgeai: failed with ${String(err)}, which is not an Error (a bug in pulumi-edgeai)`);
}

export const handlers = {
  check: traced((type: string, olds: Props, news: Props) => labelOf(type, news, olds), impl.check),
  diff: traced((type: string, _id: string, olds: Props, news: Props) => labelOf(type, news, olds), impl.diff),
  create: traced((type: string, props: Props) => labelOf(type, props), async (type: string, props: Props) => {
    const result = await impl.create(type, props).catch((err) => {
      // A partial create keeps the name with its outputs.
      if (err?.properties) err.properties = withName(err.properties, props);
      throw err;
    });
    return { ...result, outs: withName(result.outs ?? {}, props) };
  }),
  read: traced((type: string, _id: string, props: Props) => labelOf(type, props), async (type: string, id: string, props: Props) => {
    const result = await impl.read(type, id, props);
    return result.props ? { ...result, props: withName(result.props, props), inputs: result.inputs && withName(result.inputs, props) } : result;
  }),
  update: traced((type: string, _id: string, olds: Props, news: Props) => labelOf(type, news, olds), async (type: string, id: string, olds: Props, news: Props) => {
    const result = await impl.update(type, id, olds, news).catch((err) => {
      if (err?.properties) err.properties = withName(err.properties, news);
      throw err;
    });
    return { ...result, outs: withName(result.outs ?? {}, news) };
  }),
  delete: traced((type: string, _id: string, props: Props) => labelOf(type, props), impl.delete),
  /** A look-up served by the plugin (`fn::invoke`, `pulumi-edgeai/native`): the in-process form's validation and code, with the provider's configuration. */
  invoke: traced((token: string, _args: Props) => token, (token: string, args: Props) => invokeLookup(lookupOf(token), ctx(), args)),
};

/**
 * A service the program uses must have its settings: a preview already fails, naming them,
 * instead of passing and leaving the failure to `up`. Nothing is sent; the clients are only built.
 */
function missingSettings(service: Service): string | undefined {
  try {
    void ctx()[service];
    return undefined;
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: equivalent, building a client fails only with an InputError (a missing or bad setting).
    if (err instanceof InputError) return err.message;
    throw err;
  }
}

/** What forces a replacement, said in the preview: dynamic providers cannot return a detailed diff. */
function replacementReasons(def: ResourceDefinition, replaces: string[], news: Props): string {
  return replaces
    .map((key) => {
      const why = (def.immutable as readonly string[]).includes(key) ? "cannot change in place" : "this change cannot be made in place";
      return `"${key}" (${containsUnknown(news[key]) ? "will change: its new value is known only after its dependency is updated or replaced" : "changes"}; ${why})`;
    })
    .join(", ");
}

/**
 * An import ID → the object's ID and the scope inputs it carries (`<datasetId>/<name>` for
 * `importScope: ["datasetId"]`; `<file.sha256>/<id>` fills `{ file: { sha256 } }`).
 */
function locate(def: ResourceDefinition, importId: string): { id: string; scope: Props } {
  const paths = (def.importScope ?? []) as readonly string[];
  const parts = importId.split("/");
  const fits = def.idInput ? parts.length === paths.length : parts.length > paths.length;
  if (!fits || parts.some((p) => p === ""))
    throw new InputError(`${token(def)}: import ID "${importId}" must be ${importIdForm(def)}: the documented paths need ${paths.join(", ")} to find the object`);
  const scope: Props = {};
  paths.forEach((path, i) => setPath(scope, path, parts[i]));
  return { id: def.idInput ? String(scope[def.idInput]) : parts.slice(paths.length).join("/"), scope };
}

/** A scope path is an input or a field of an object input (`InputPath`): one or two levels. */
function setPath(target: Props, path: string, value: unknown): void {
  const [input, field] = path.split(".");
  if (field === undefined) target[input] = value;
  else ((target[input] ??= {}) as Props)[field] = value;
}

/**
 * Previous outputs completed with the inputs the service never answers (`unreadable`) that they
 * lack: after an import, the next `up` records the program's values as the resource's inputs only
 * (an unchanged resource keeps the imported outputs), so the diff and refresh take them from there.
 */
export function withRecordedInputs(type: string, outputs: Props, inputs: Props): Props {
  // Stryker disable next-line ArrayDeclaration: equivalent, an element that is no input's name adds a key without a value, the same as none to diff and read.
  const unreadable = (definitionOf(type).unreadable ?? []) as readonly string[];
  // A key neither holds stays without a value, the same as absent to diff and read.
  return { ...outputs, ...Object.fromEntries(unreadable.filter((key) => outputs[key] === undefined).map((key) => [key, inputs[key]])) };
}

/**
 * An import's inputs, with the documented defaults of the fields the service does not return (the
 * branch a commit was made on, the title of the commits that record a catalog or notes): a program
 * that leaves them to their defaults then matches the import, where it would otherwise show a
 * change, or for an immutable field a replacement, of a value that was never read. The waits'
 * settings are no part of the object (never diffed), so they are left out of the generated code.
 */
function withDefaults(def: ResourceDefinition, inputs: Props): Props {
  const out: Props = { ...inputs };
  for (const [key, field] of Object.entries<z.ZodType>(def.inputs.shape)) {
    // A field without a default gets no value (undefined), which the outputs leave out.
    if (out[key] === undefined && !(AWAIT_KEYS as readonly string[]).includes(key)) out[key] = field.safeParse(undefined).data;
  }
  return out;
}

/**
 * The live values of the inputs the program set. Inputs the program left unset (server defaults
 * such as the default workspace) are not drift.
 */
function overlay(inputs: Props, live: Props): Props {
  const out: Props = { ...inputs };
  for (const key of Object.keys(inputs)) if (key in live) out[key] = live[key];
  return out;
}

/**
 * Each input field parsed on its own (defaults, types), the inputs the type does not take left out.
 * Check normalises only inputs without failures: a field that does not parse holds a value unknown
 * in preview and stays as it is; one that parses with an unknown inside (an object's field) gets
 * its defaults around it, as it will once known.
 */
function normaliseFields(def: ResourceDefinition, news: Props): Props {
  const out: Props = {};
  for (const [key, field] of Object.entries<z.ZodType>(def.inputs.shape)) {
    const result = field.safeParse(news[key]);
    out[key] = result.success ? result.data : news[key];
  }
  return out;
}

/** A create refused because the name is taken says how to adopt the existing object instead. */
async function importHint(def: ResourceDefinition, inputs: Props, err: unknown): Promise<unknown> {
  if (!isAlreadyExists(err) || def.identity.by !== "name") return err;
  const id = await def.identity.find(ctx(), inputs).catch(() => undefined);
  const name = def.uniqueName ? ` named "${inputs[def.uniqueName]}"` : "";
  const adopt = id ? `set \`importId: "${id}"\` on this resource to adopt it` : "set `importId` to its ID on this resource to adopt it";
  return new InputError(`${token(def)}: an object${name} already exists${id ? ` (id ${id})` : ""}: ${adopt}, or choose another name. (${err.errorCode}: ${err.errorMsg})`);
}

/**
 * A `NotReadyError` becomes the engine's "partially created" error: the id, the outputs (with
 * `__provider`, which every later operation on the resource needs) and the reason.
 */
function partiallyCreated(err: unknown, inputs: Props, props: Props, carried: Props = {}): unknown {
  if (!(err instanceof NotReadyError)) return err;
  return Object.assign(err, { properties: { ...outputsOf(inputs, { ...carried, ...err.state }), [PROVIDER_KEY]: props[PROVIDER_KEY] }, reasons: [err.message] });
}

/** Server fields of the previous outputs (some, like a device's one-time package, are never readable again). */
function carriedState(def: ResourceDefinition, props: Props): Props {
  const out: Props = {};
  // Stryker disable next-line ConditionalExpression: equivalent, outputs are pruned of undefined values.
  for (const key of Object.keys(def.outputs.shape)) if (props[key] !== undefined) out[key] = props[key];
  return out;
}

const readLive = (def: ResourceDefinition, id: string, inputs: Props) => unlessNotFound(def.api.read(ctx(), id, inputs));

/** How many times a create whose answer was lost, and whose object was not found, is sent again. */
const MAX_CREATE_ATTEMPTS = 4;

/**
 * Sends the create at most once per object: when its outcome is unknown (a lost answer, a 5xx),
 * the object is looked up by the definition's identity first, and adopted when it exists.
 */
async function createExactlyOnce(def: ResourceDefinition, inputs: Props, props: Props): Promise<dynamic.CreateResult> {
  const identity = def.identity;
  // Lines are prefixed with the resource's type and name (progress.ts); the unique name says which object.
  const label = def.uniqueName ? `object "${inputs[def.uniqueName]}"` : "object";
  for (let attempt = 1; ; attempt++) {
    const before = identity.by === "new" ? new Set(await identity.candidates(ctx(), inputs)) : undefined;
    try {
      const { id, state } = await def.api.create(ctx(), inputs);
      return { id, outs: outputsOf(inputs, state) };
    } catch (err) {
      if (!(err instanceof OutcomeUnknownError)) throw partiallyCreated(await importHint(def, inputs, err), inputs, props);
      const lost = `no answer to ${err.method} ${err.path} (${err.reason})`;
      if (identity.by === "none") throw new Error(`${token(def)}: ${lost}; it is not sent again, since ${identity.doc}`);
      const found = await findMade(def, inputs, before);
      // Stryker disable next-line ConditionalExpression: equivalent, the other identities have no whenFound (the test only narrows the type).
      const whenFound = identity.by === "new" ? identity.whenFound : undefined;
      if (found !== undefined && whenFound !== "recreate") {
        ctx().log(`${label}: ${lost}; found it (id ${found}), adopting`);
        return await adopt(def, found, inputs, "resume").catch((failure) => {
          // The object is this stack's: whatever fails now must keep its ID, so nothing is orphaned.
          if (failure instanceof InputError) throw failure;
          const notReady = failure instanceof NotReadyError ? failure : new NotReadyError(`${(failure as Error).message} (the object exists as ${found}; the next \`pulumi up\` completes it)`, found, {});
          throw partiallyCreated(notReady, inputs, props);
        });
      }
      if (found !== undefined) {
        ctx().log(`${label}: ${lost}; found it (id ${found}), but what the answer carried cannot be read again: deleting it to create it anew`);
        await def.api.delete(ctx(), found, inputs, {});
      } else ctx().log(`${label}: ${lost}; it was not created`);
      if (attempt >= MAX_CREATE_ATTEMPTS) throw new Error(`${token(def)}${def.uniqueName ? ` "${inputs[def.uniqueName]}"` : ""}: ${lost}, ${attempt} times; nothing was created`);
      ctx().log(`${label}: creating it again (attempt ${attempt + 1} of ${MAX_CREATE_ATTEMPTS})`);
    }
  }
}

/** The object a create whose answer was lost made, if any. */
async function findMade(def: ResourceDefinition, inputs: Props, before: Set<string> | undefined): Promise<string | undefined> {
  const identity = def.identity;
  if (identity.by === "name") return identity.find(ctx(), inputs);
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, a create of an object without a look-up fails before it looks (createExactlyOnce); the line narrows the type.
  if (identity.by === "none") return undefined;
  const made = (await identity.candidates(ctx(), inputs)).filter((id) => !before!.has(id));
  if (made.length > 1)
    throw new Error(`${token(def)}: a create's answer was lost and ${made.length} new matching objects appeared meanwhile (${made.join(", ")}): another client creates in the same place; adopt the right one with \`importId\``);
  return made[0];
}

/**
 * Adopts an existing object: its immutable fields must match the program (adopting would
 * otherwise replace it), the rest converges: the update runs when something differs. `import`
 * (the program's `importId`) also remembers the importId; `resume` (a create whose answer was
 * lost) also runs it for resources that wait, to finish what the create would have waited for.
 */
async function adopt(def: ResourceDefinition, id: string, inputs: Props, how: "import" | "resume"): Promise<dynamic.CreateResult> {
  const live = await readLive(def, id, inputs);
  const what = how === "import" ? `importId "${id}"` : `the object ${id} found after a lost answer`;
  if (!live) throw new InputError(`${token(def)}: ${what}: no such object to adopt`);
  const mismatched = def.immutable.filter((key) => inputs[key] !== undefined && live.inputs[key] !== undefined && !same(inputs[key], live.inputs[key]));
  if (mismatched.length)
    throw new InputError(
      `${token(def)}: ${what}: immutable field(s) ${mismatched.map((k) => `"${k}"`).join(", ")} differ between the program and the existing object; change the program to match (adopting would otherwise replace it)`,
    );
  let state = live.state;
  const drifted = !same(inputs, overlay(inputs, live.inputs));
  // Found by name after a lost answer, an object that differs from what the create sent is not the
  // one it made: the name was already taken (the lost answer was a 409). Taking it over would
  // overwrite someone else's object.
  if (how === "resume" && def.identity.by === "name") {
    // Stryker disable next-line ArrayDeclaration: equivalent, an element that is no input's name leaves every input checked.
    const later: readonly string[] = def.identity.setAfterCreate ?? [];
    const differing = Object.keys(inputs).filter((key) => !later.includes(key) && live.inputs[key] !== undefined && !same(inputs[key], live.inputs[key]));
    if (differing.length)
      throw new InputError(
        `${token(def)}: ${what} differs from the program (${differing.map((k) => `"${k}"`).join(", ")}), so it is not the one this create made: the name was already taken. Nothing was changed; adopt it with importId "${id}", or choose another name`,
      );
  }
  // A resumed create still owes the waits its create would have done after the request.
  const owesWait = how === "resume" && "awaitTimeouts" in def.inputs.shape;
  if ((drifted || owesWait) && def.api.update) state = { ...state, ...(await def.api.update(ctx(), id, overlay(inputs, live.inputs), inputs, live.state)) };
  return { id, outs: outputsOf(inputs, how === "import" ? { ...state, importId: id } : state) };
}

/**
 * The provider of one resource type, as the engine's dynamic-provider host loads it from the
 * `__provider` text that resource.ts writes into every resource (`providerText`).
 */
export function provider(type: string): dynamic.ResourceProvider {
  return {
    configure,
    check: (olds, news) => handlers.check(type, olds, news),
    diff: (id, olds, news) => handlers.diff(type, id, olds, news),
    create: (inputs) => handlers.create(type, inputs),
    read: (id, props) => handlers.read(type, id, props),
    update: (id, olds, news) => handlers.update(type, id, olds, news),
    delete: (id, props) => handlers.delete(type, id, props),
  };
}

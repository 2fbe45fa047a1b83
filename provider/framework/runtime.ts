/**
 * The dynamic provider's implementation. The serialized provider object in state only
 * `require()`s this module at call time (see resource.ts), so state stays small and fixes here
 * reach resources created by older versions.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { resolveConfig, ConfigKey, ProviderConfig } from "../config";
import { isAlreadyExists, isNotFound, InputError } from "../client/errors";
import { definitions } from "../registry";
import { Context, NotReadyError, Props, ResourceDefinition, token } from "./definition";
import { UNKNOWN, containsUnknown, validateInputs } from "./validate";
import { AWAIT_KEYS } from "./await";
import { isDeepStrictEqual } from "node:util";
import { prune } from "./case";
import { contextFor } from "./context";
import { checkTensorbayAccessKey } from "../client/tensorbay";

const PROVIDER_KEY = "__provider";
const CONTROL_KEYS = new Set([PROVIDER_KEY, "importId"]);

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

/** The user's inputs without engine keys. */
function userInputs(props: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) if (!CONTROL_KEYS.has(k)) out[k] = v;
  return out;
}

/** The input fields of a full set of outputs. */
function inputsOf(def: ResourceDefinition, props: Props): Props {
  const out: Props = {};
  for (const key of Object.keys(def.inputs.shape)) if (key !== "importId" && props[key] !== undefined) out[key] = props[key];
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

export const handlers = {
  async check(type: string, _olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const def = definitionOf(type);
    const { failures, parsed } = validateInputs(def, { ...userInputs(news), importId: news.importId });
    if (failures.length) return { inputs: news, failures };
    // Inputs are returned normalised (defaults applied, documented types sent): all at once when
    // fully known, otherwise field by field, so that a default never looks like a change in a
    // preview where some other input is still unknown.
    const normalised = parsed && !containsUnknown(news) ? parsed : normaliseKnownFields(def, news);
    return { inputs: prune({ ...normalised, [PROVIDER_KEY]: news[PROVIDER_KEY] }) };
  },

  async diff(type: string, _id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    const def = definitionOf(type);
    const diffed = Object.keys(def.inputs.shape).filter((key) => key !== "importId" && !(AWAIT_KEYS as readonly string[]).includes(key));
    const changed = diffed.filter((key) => news[key] === UNKNOWN || containsUnknown(news[key]) || !same(olds[key], news[key]));
    const replaceWhen = (def.replaceWhen ?? {}) as Record<string, (olds: unknown, news: unknown) => boolean>;
    const replaces = changed.filter((key) => (def.immutable as readonly string[]).includes(key) || replaceWhen[key]?.(olds[key], news[key]));
    const keepsName = def.uniqueName !== undefined && !changed.includes(def.uniqueName);
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && keepsName };
  },

  async create(type: string, props: Props): Promise<dynamic.CreateResult> {
    const def = definitionOf(type);
    const inputs = parse(def, userInputs(props));
    const importId = props.importId as string | undefined;
    if (importId) return adopt(def, importId, inputs);
    const { id, state } = await def.api.create(ctx(), inputs).catch(async (err) => {
      throw partiallyCreated(await importHint(def, inputs, err), inputs, props);
    });
    return { id, outs: outputsOf(inputs, state) };
  },

  async read(type: string, id: string, props: Props): Promise<dynamic.ReadResult> {
    const def = definitionOf(type);
    const inputs = inputsOf(def, props);
    const live = await readLive(def, id, inputs);
    if (!live) return {};
    const liveInputs = overlay(inputs, live.inputs);
    const carried = carriedState(def, props);
    return { id, props: outputsOf(liveInputs, { ...carried, ...live.state, ...(props.importId ? { importId: props.importId } : {}) }), inputs: outputsOf(liveInputs, props.importId ? { importId: props.importId } : {}) };
  },

  async update(type: string, id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const def = definitionOf(type);
    const inputs = parse(def, userInputs(news));
    if (!def.api.update) throw new Error(`${token(def)}: has no in-place update; every change replaces it`);
    const state = await def.api.update(ctx(), id, inputsOf(def, olds), inputs, carriedState(def, olds)).catch((err) => {
      throw partiallyCreated(err, inputs, news, carriedState(def, olds));
    });
    return { outs: outputsOf(inputs, { ...carriedState(def, olds), ...state }) };
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
 * A `NotReadyError` becomes the engine's "partially created" error: the id, the outputs (with
 * `__provider`, which every later operation on the resource needs) and the reason.
 */
/** Each input field without unknowns, parsed on its own (defaults, types); fields with unknowns stay as they are. */
function normaliseKnownFields(def: ResourceDefinition, news: Props): Props {
  const out: Props = { ...userInputs(news), importId: news.importId };
  for (const [key, field] of Object.entries<z.ZodType>(def.inputs.shape)) {
    if (containsUnknown(news[key])) continue;
    const result = field.safeParse(news[key]);
    if (result.success) out[key] = result.data;
  }
  return out;
}

/** A create refused because the name is taken says how to adopt the existing object instead. */
async function importHint(def: ResourceDefinition, inputs: Props, err: unknown): Promise<unknown> {
  if (!isAlreadyExists(err)) return err;
  const id = await def.findExisting?.(ctx(), inputs).catch(() => undefined);
  const name = def.uniqueName ? ` named "${inputs[def.uniqueName]}"` : "";
  const adopt = id ? `set \`importId: "${id}"\` on this resource to adopt it` : "set `importId` to its ID on this resource to adopt it";
  return new InputError(`${token(def)}: an object${name} already exists${id ? ` (id ${id})` : ""}: ${adopt}, or choose another name. (${err.errorCode}: ${err.errorMsg})`);
}

function partiallyCreated(err: unknown, inputs: Props, props: Props, carried: Props = {}): unknown {
  if (!(err instanceof NotReadyError)) return err;
  return Object.assign(err, { properties: { ...outputsOf(inputs, { ...carried, ...err.state }), [PROVIDER_KEY]: props[PROVIDER_KEY] }, reasons: [err.message] });
}

/** Server fields of the previous outputs (some, like a device's one-time package, are never readable again). */
function carriedState(def: ResourceDefinition, props: Props): Props {
  const out: Props = {};
  for (const key of Object.keys(def.outputs.shape)) if (props[key] !== undefined) out[key] = props[key];
  return out;
}

async function readLive(def: ResourceDefinition, id: string, inputs: Props) {
  try {
    return await def.api.read(ctx(), id, inputs);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** `importId`: read the existing object, check its immutable fields match the program, converge the rest. */
async function adopt(def: ResourceDefinition, importId: string, inputs: Props): Promise<dynamic.CreateResult> {
  const live = await readLive(def, importId, inputs);
  if (!live) throw new InputError(`${token(def)}: importId "${importId}": no such object to adopt`);
  const mismatched = def.immutable.filter((key) => inputs[key] !== undefined && live.inputs[key] !== undefined && !same(inputs[key], live.inputs[key]));
  if (mismatched.length)
    throw new InputError(
      `${token(def)}: importId "${importId}": immutable field(s) ${mismatched.map((k) => `"${k}"`).join(", ")} differ between the program and the existing object; change the program to match (adopting would otherwise replace it)`,
    );
  let state = live.state;
  const drifted = !same(inputs, overlay(inputs, live.inputs));
  if (drifted && def.api.update) state = { ...state, ...(await def.api.update(ctx(), importId, overlay(inputs, live.inputs), inputs, live.state)) };
  return { id: importId, outs: outputsOf(inputs, { ...state, importId }) };
}

import { z } from "zod";
import type { ProviderConfig } from "../config";
import type { HuaweiServiceClient } from "../client/huawei";
import type { TensorbayClient } from "../client/tensorbay";

export type Service = "hilens" | "octopus" | "tensorbay";
export type Props = Record<string, unknown>;

/** The clients a resource's API mapping talks through; built lazily from the provider config. */
export interface Context {
  readonly config: ProviderConfig;
  readonly hilens: HuaweiServiceClient;
  readonly octopus: HuaweiServiceClient;
  readonly tensorbay: TensorbayClient;
  /** Progress for long waits: printed on the run's output, prefixed with the resource's type and name. */
  log(message: string): void;
}

/**
 * Thrown by `create`/`update` when the object exists but did not become ready (a wait failed or
 * timed out). The engine records it as partially created with `state`, so nothing is orphaned
 * and the next `up` retries the update.
 */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly state: Props,
  ) {
    super(message);
    this.name = "NotReadyError";
  }
}

/**
 * Runs a step that follows a successful create call (reading the object back, setting its tags):
 * if it fails, the object still exists, so the failure is reported as a partial create and the
 * engine keeps the ID instead of orphaning the object.
 */
export async function afterCreate<T>(id: string, state: Props, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof NotReadyError) throw err;
    throw new NotReadyError(`${(err as Error).message} (the object was created as ${id}; the next \`pulumi up\` completes it)`, id, state);
  }
}

/** What `read` found: the live values of the inputs (for drift) and the server-side fields. */
export interface LiveObject<I> {
  inputs: Partial<I>;
  state: Props;
}

export interface ResourceApi<I> {
  create(ctx: Context, inputs: I): Promise<{ id: string; state: Props }>;
  /** `undefined` when the object is gone (HTTP 404 or absent from its list). */
  read(ctx: Context, id: string, inputs: I): Promise<LiveObject<I> | undefined>;
  /** Omitted when every input is immutable. */
  update?(ctx: Context, id: string, olds: I, news: I, state: Props): Promise<Props>;
  delete(ctx: Context, id: string, inputs: I, state: Props): Promise<void>;
}

/**
 * One resource, declared once. Validation (`check`), `diff`, CRUD, the typed class, the docs
 * and `schema.json` are all derived from this.
 */
export interface ResourceDefinition<S extends z.ZodObject<any> = z.ZodObject<any>, O extends z.ZodObject<any> = z.ZodObject<any>> {
  service: Service;
  /** Type name, e.g. `ConfigMap`: token `edgeai:hilens:ConfigMap`. */
  name: string;
  description: string;
  /** Resource args: the documented request body in camelCase, wrapper objects dropped. Fields carry `.describe()`. */
  inputs: S;
  /** Server-side fields added to the outputs. */
  outputs: O;
  /** Inputs whose change replaces the object. */
  immutable: readonly (keyof z.infer<S> & string)[];
  /** Inputs whose change replaces the object only in some directions (e.g. removing a deployment's target devices). */
  replaceWhen?: { [K in keyof z.infer<S>]?: (olds: z.infer<S>[K], news: z.infer<S>[K]) => boolean };
  /** Inputs (and outputs of the same name) that are always secret in state. */
  secrets?: readonly string[];
  /** Server-side outputs that are secret. */
  secretOutputs?: readonly (keyof z.infer<O> & string)[];
  /**
   * The server field that is the object's ID (e.g. a workspace's `workspaceId`). The class exposes
   * it as the resource's `id`, which stays known while the object is updated in a preview, so
   * dependents that reference it are not shown as replaced.
   */
  idOutput?: keyof z.infer<O> & string;
  /**
   * How the object is found when a create's answer is lost (the request may have been carried
   * out): exactly-once create looks it up by this before anything else, and a create refused as
   * "already exists" names the existing object's ID.
   */
  identity: Identity<z.infer<S>>;
  /**
   * Inputs that locate the object beside its ID, in the documented paths (a version's dataset, a
   * branch's dataset, a scene map's file): `pulumi import` then takes `<scope>/…/<id>` (e.g.
   * `<datasetId>/<name>`, `<file.sha256>/<id>` for a field of an object input).
   */
  importScope?: readonly InputPath<z.infer<S>>[];
  /**
   * Required inputs the service never answers (no call returns them: a scene map's `version`, a
   * job's `dataSource`, an import task's `ak`/`sk`): an imported object's state lacks them. The diff does not count such a field as changed while the
   * old state has no value for it, so the `import` option with the program's value neither fails
   * nor replaces. The next `up` (nothing to change) records the program's value as the resource's
   * input, its outputs staying the imported ones: the native plugin's diff and refresh take the
   * value from the inputs while the outputs lack it. Required only (a unit test checks): the
   * absence of an optional input also means "not set", which a change must still follow.
   */
  unreadable?: readonly (keyof z.infer<S> & string)[];
  /**
   * Values the service gives an input the program leaves unset (a tag's top-level parent). An
   * imported object's state holds them, as the read returns them; a program that leaves the field
   * unset matches them rather than changing (and, for an immutable field, replacing) the object.
   */
  serverDefaults?: { [K in keyof z.infer<S>]?: readonly z.infer<S>[K][] };
  /**
   * The input whose value is the object's ID, for an object that is part of another one (a
   * dataset's notes and label catalog on a branch have the dataset's ID). It is one of
   * `importScope`, and the import ID is the scope alone: `<datasetId>/<branchName>`.
   */
  idInput?: keyof z.infer<S> & string;
  /** Names are unique server-side, so a replacement that keeps the name must delete first. */
  uniqueName?: keyof z.infer<S> & string;
  /**
   * Valid inputs that are probably not what the user meant: each message is shown as a warning on
   * the resource when the program runs (dynamic providers cannot warn from `check`).
   */
  advice?: (inputs: z.input<S>) => string[];
  api: ResourceApi<z.infer<S>>;
}

/**
 * The documented unique name in its scope (workspace, repository, dataset, …): the object with
 * that name is the one the create made.
 */
export interface NameIdentity<I> {
  by: "name";
  /** For the docs: what is unique, where the document says so. */
  doc: string;
  find(ctx: Context, inputs: I): Promise<string | undefined>;
  /**
   * Input fields the create request does not carry, set by steps after it (a file marked ready,
   * instances paused): an object found after a lost answer may not have them yet, so they are left
   * out of the check that it is the object the create sent.
   */
  setAfterCreate?: readonly (keyof I & string)[];
}

/**
 * Objects with no unique field (versions, commits, tasks): the provider lists the objects of the
 * scope that match the request before creating, so after a lost answer the one that is new is
 * the one the create made.
 */
export interface NewObjectIdentity<I> {
  by: "new";
  doc: string;
  candidates(ctx: Context, inputs: I): Promise<string[]>;
  /**
   * `recreate`: an object found after a lost answer is deleted and made again, because the lost
   * answer carried something that cannot be read back (a device's one-time registration package).
   */
  whenFound?: "adopt" | "recreate";
}

/**
 * Objects the document gives no way to list or look up (Octopus scene maps, §4.19: create and
 * file update only). A create whose answer was lost cannot be checked, so it is never sent again:
 * `up` fails, and at most one object was made.
 */
export interface NoLookupIdentity {
  by: "none";
  /** For the docs and the error: why the object cannot be found, and how to adopt it if it was made. */
  doc: string;
}

export type Identity<I> = NameIdentity<I> | NewObjectIdentity<I> | NoLookupIdentity;

/** An input (`datasetId`) or a field of an object input (`file.sha256`). */
export type InputPath<I> = {
  [K in keyof I & string]: K | (NonNullable<I[K]> extends readonly unknown[] ? never : NonNullable<I[K]> extends object ? `${K}.${keyof NonNullable<I[K]> & string}` : never);
}[keyof I & string];

/** The hidden input carrying the resource's name from the program to the provider, for its progress lines (never a diff). */
export const NAME_KEY = "__edgeaiName";

export function token(def: Pick<ResourceDefinition, "service" | "name">): string {
  return `edgeai:${def.service}:${def.name}`;
}

export function defineResource<S extends z.ZodObject<any>, O extends z.ZodObject<any>>(def: ResourceDefinition<S, O>): ResourceDefinition<S, O> {
  return def;
}

/**
 * The form of the ID `pulumi import` takes: `<id>`, `<datasetId>/<id>` for an object that needs its
 * scope (`importScope`), or the scope alone when the ID is one of its inputs (`idInput`).
 */
export function importIdForm(def: Pick<ResourceDefinition, "importScope" | "idInput">): string {
  return [...((def.importScope ?? []) as readonly string[]).map((path) => `<${path}>`), ...(def.idInput ? [] : ["<id>"])].join("/");
}

/** The ID `pulumi import` takes for an object (`importIdForm` filled in: `file.sha256` read from the `file` input): the inverse of the runtime's `locate`. */
export function importIdOf(def: Pick<ResourceDefinition, "importScope" | "idInput">, id: string, inputs: Props): string {
  // Scope inputs are required: every object on a path is there.
  const value = (path: string) => path.split(".").reduce<unknown>((v, key) => (v as Props)[key], inputs);
  return [...((def.importScope ?? []) as readonly string[]).map((path) => String(value(path))), ...(def.idInput ? [] : [id])].join("/");
}

/** The input every resource takes: adopt this existing object instead of creating one. */
export const importIdField = z
  .string()
  .min(1)
  .optional()
  .describe("ID of an existing object to adopt instead of creating one (our `pulumi import`): `create` reads it, checks that its immutable fields match, and converges the rest.");

#!/usr/bin/env node
/**
 * `pulumi-resource-edgeai`: the `edgeai` resource provider plugin. It serves the same
 * definitions, through the same check/diff/CRUD handlers (framework/runtime.ts), as the dynamic
 * resources, on the Node.js provider server of `@pulumi/pulumi/provider` (`provider.main`). Pulumi
 * finds it on PATH (the npm package's bin) or where `pulumi plugin install resource edgeai
 * <version> --file …` or a Pulumi.yaml `plugins: providers:` entry puts it.
 *
 * Look-ups (`fn::invoke` in YAML, the functions of `pulumi-edgeai/native`) are its `invoke`, with
 * the same validation and code as the in-process functions of `pulumi-edgeai` (`invokeLookup`).
 *
 * That server covers check/create/update/delete as they are; three of its calls fall short and
 * are served here instead (`served`): `configure` drops the configuration (ours is `edgeai:*`,
 * with the `HW_*` fallbacks), `diff` cannot return a detailed diff (which field changed, which one
 * forces the replacement) and sees only the previous outputs, and `read` crashes on an import,
 * whose request carries no properties, and drops the previous inputs.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as provider from "@pulumi/pulumi/provider";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { configure, handlers, lookupOf, withRecordedInputs, type FieldDiff } from "../framework/runtime";
import { answersSingle, INVOKE_RESULT_KEY } from "../framework/lookup";
import { NAME_KEY, token, type Props } from "../framework/definition";
import { definitions } from "../registry";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { setProgressSink } from "../framework/progress";
import { prune } from "../framework/case";

/** The package root (package.json and schema.json ship there), by the package's name: it resolves itself through its `exports`. */
const ROOT = dirname(require.resolve("pulumi-edgeai/package.json"));
// The gRPC library of the installed @pulumi/pulumi: the one its provider server registers with.
const grpc = createRequire(require.resolve("@pulumi/pulumi"))("@grpc/grpc-js") as typeof import("@grpc/grpc-js");

/** `urn:pulumi:stack::project::edgeai:hilens:ConfigMap::settings` → the type (without parents) and the name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: parts[2].split("$").pop()!, name: parts.slice(3).join("::") };
}

/** The runtime labels progress with the resource's name (a hidden input of dynamic resources); here it comes from the URN and never reaches state. */
const named = (props: Props | undefined, name: string): Props => ({ ...(props ?? {}), [NAME_KEY]: name });
function bare<T extends Props | undefined>(props: T): T {
  if (!props) return props;
  const { [NAME_KEY]: _name, ...rest } = props;
  return rest as T;
}

/** The URN of the resource the current call is about: progress lines are logged against it, so they show on its row. */
const currentUrn = new AsyncLocalStorage<string>();

function onResource<R>(urn: string, fn: (type: string, name: string) => Promise<R>): Promise<R> {
  const { type, name } = parseUrn(urn);
  return currentUrn.run(urn, () => fn(type, name));
}

/**
 * Properties with the definition's secret fields marked secret. The engine keeps a secret input
 * secret by its name (this plugin takes no secrets in, see `configure`), but a server-side secret
 * (a device's one-time registration package) has no input, and an import has no previous inputs to
 * take the name from (a secret's values read back would be stored in plain text): both are marked
 * here, so state encrypts them for every program, YAML ones included.
 */
function sealed(type: string, outs: Props | undefined): Props | undefined {
  const def = definitions.find((d) => token(d) === type);
  // Stryker disable next-line OptionalChaining,ArrayDeclaration: equivalent, sealed runs only after a handler found the type's definition, and a key of a missing list is in no outputs.
  const keys = [...(def?.secrets ?? []), ...(def?.secretOutputs ?? [])];
  if (!outs) return outs;
  const out = { ...outs };
  for (const key of keys) if (out[key] !== undefined) out[key] = secret(out[key]);
  return out;
}

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

/**
 * A look-up's result as an invoke answers it: an object as its properties, anything else (a
 * list) as the single property `result`, which `fn::invoke` and `invokeSingle` unwrap; every
 * property secret for a secret look-up (a temporary password), so YAML and Output forms keep it so.
 */
export function invokeOutputs(token: string, result: unknown): Props {
  const def = lookupOf(token);
  const outs: Props = answersSingle(def) ? { [INVOKE_RESULT_KEY]: prune(result) } : prune(result as Props);
  return def.secret ? Object.fromEntries(Object.entries(outs).map(([key, value]) => [key, secret(value)])) : outs;
}

/** A partial create keeps its outputs without the name, and without the dynamic provider's (here absent) `__provider`. */
function bareFailure(err: any): never {
  // The handlers reject with errors; only a partial create's carries properties.
  err.properties &&= prune(bare(err.properties));
  throw err;
}

export const edgeaiProvider: provider.Provider = {
  version: JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version,
  schema: readFileSync(join(ROOT, "schema.json"), "utf8"),
  check: (urn, olds, news) =>
    onResource(urn, async (type, name) => {
      const result = await handlers.check(type, named(olds, name), named(news, name));
      return { ...result, inputs: bare(result.inputs) };
    }),
  create: (urn, inputs) =>
    onResource(urn, async (type, name) => {
      const result = await handlers.create(type, named(inputs, name)).catch(bareFailure);
      return { id: result.id, outs: sealed(type, bare(result.outs)) };
    }),
  read: (id, urn, props) =>
    onResource(urn, async (type, name) => {
      const result = await handlers.read(type, id, Object.keys(props ?? {}).length ? named(props, name) : {});
      return { id: result.id, props: sealed(type, bare(result.props)), inputs: sealed(type, bare(result.inputs)) };
    }),
  update: (id, urn, olds, news) =>
    onResource(urn, async (type, name) => {
      const result = await handlers.update(type, id, named(olds, name), named(news, name)).catch(bareFailure);
      return { outs: sealed(type, bare(result.outs)) };
    }),
  delete: (id, urn, props) => onResource(urn, (type, name) => handlers.delete(type, id, named(props, name))),
  // Bad arguments are the invoke's failures: the engine fails the program's call with their reasons, nothing sent.
  invoke: async (token, args) => {
    const { result, failures } = await handlers.invoke(token, args ?? {});
    return failures.length ? { outputs: {}, failures } : { outputs: invokeOutputs(token, result) };
  },
};

const Kind = provproto.PropertyDiff.Kind;

/** One field's change, as the engine shows it (`~ configs`, `+-name` for the one that forces a replacement). */
function propertyDiff(key: string, olds: Props, news: Props, replaces: boolean): provproto.PropertyDiff {
  const kind = olds[key] === undefined ? (replaces ? Kind.ADD_REPLACE : Kind.ADD) : news[key] === undefined ? (replaces ? Kind.DELETE_REPLACE : Kind.DELETE) : replaces ? Kind.UPDATE_REPLACE : Kind.UPDATE;
  const diff = new provproto.PropertyDiff();
  diff.setKind(kind);
  diff.setInputdiff(true);
  return diff;
}

export function diffResponse(result: FieldDiff, olds: Props, news: Props): provproto.DiffResponse {
  const resp = new provproto.DiffResponse();
  resp.setChanges(result.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
  resp.setReplacesList(result.replaces);
  resp.setDeletebeforereplace(Boolean(result.deleteBeforeReplace));
  resp.setDiffsList(result.changed);
  resp.setHasdetaileddiff(true);
  const detailed = resp.getDetaileddiffMap();
  for (const key of result.changed) detailed.set(key, propertyDiff(key, olds, news, result.replaces.includes(key)));
  return resp;
}

type Callback<T> = (err: unknown, value?: T | null) => void;
type UnaryCall<Req> = { request: Req };

/** The calls served here instead of by the SDK's server (see the file comment). */
export const served = {
  configure(call: UnaryCall<provproto.ConfigureRequest>, callback: Callback<provproto.ConfigureResponse>) {
    // Keys arrive as `edgeai:config:region` (or `edgeai:region`); the runtime asks for `edgeai:region`.
    const variables = call.request.getVariablesMap();
    const get = (key: string) => variables.get(key.replace("edgeai:", "edgeai:config:")) ?? variables.get(key);
    configure({ config: { get } } as unknown as dynamic.ConfigureRequest).then(() => {
      const resp = new provproto.ConfigureResponse();
      // Secrets arrive as plain values and the engine keeps them secret in state by name; the
      // server-side ones are marked in the outputs (`sealed`).
      resp.setAcceptsecrets(false);
      resp.setAcceptresources(false);
      resp.setAcceptoutputs(false);
      callback(null, resp);
    }, callback);
  },
  diff(call: UnaryCall<provproto.DiffRequest>, callback: Callback<provproto.DiffResponse>) {
    const req = call.request;
    const news = req.getNews()?.toJavaScript() ?? {};
    onResource(req.getUrn(), (type, name) => {
      const olds = withRecordedInputs(type, req.getOlds()?.toJavaScript() ?? {}, req.getOldInputs()?.toJavaScript() ?? {});
      return handlers.diff(type, req.getId(), named(olds, name), named(news, name)).then((result) => diffResponse(result, olds, news));
    }).then((resp) => callback(null, resp), callback);
  },
  /** An import sends no properties (the SDK's read crashes on them); a refresh also gets the previous inputs, which hold what the service never answers. */
  read(call: UnaryCall<provproto.ReadRequest>, callback: Callback<provproto.ReadResponse>) {
    const req = call.request;
    const props = req.getProperties()?.toJavaScript() ?? {};
    const olds = Object.keys(props).length ? withRecordedInputs(parseUrn(req.getUrn()).type, props, req.getInputs()?.toJavaScript() ?? {}) : props;
    edgeaiProvider.read!(req.getId(), req.getUrn(), olds).then((result) => {
      // No ID: the object is gone.
      const resp = new provproto.ReadResponse();
      resp.setId(result.id ?? "");
      if (result.props) resp.setProperties(structproto.Struct.fromJavaScript(result.props));
      if (result.inputs) resp.setInputs(structproto.Struct.fromJavaScript(result.inputs));
      callback(null, resp);
    }, callback);
  },
};

/** Registers the SDK's provider server with `served` in place of its own calls: `provider.main` builds and registers it in one step. */
function serveWithOverrides(): void {
  const proto = grpc.Server.prototype;
  const addService = proto.addService;
  proto.addService = function (this: InstanceType<typeof grpc.Server>, service, implementation: any) {
    proto.addService = addService;
    return addService.call(this, service, Object.assign(implementation, served));
  };
}

/** Progress lines go to the engine against the resource's URN, in order. */
function logToEngine(engineAddress: string): void {
  const engine = new engrpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
  let last = Promise.resolve();
  setProgressSink((message) => {
    const req = new engproto.LogRequest();
    req.setSeverity(engproto.LogSeverity.INFO);
    req.setMessage(message);
    req.setUrn(currentUrn.getStore() ?? "");
    last = last.then(() => new Promise<void>((resolve) => engine.log(req, () => resolve())));
  });
}

export async function main(args: string[]): Promise<void> {
  const engineAddress = args.find((a) => !a.startsWith("-"));
  if (engineAddress) logToEngine(engineAddress);
  serveWithOverrides();
  await provider.main(edgeaiProvider, args);
}

// Stryker disable next-line all: runs only as the plugin process's entry point, which no in-process test can be; every native stack of the e2e suite starts the plugin through it.
if (require.main === module) void main(process.argv.slice(2));

import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NAME_KEY, ResourceDefinition, token } from "./definition";
import { awaitTimeoutsOf } from "./await";

/**
 * The `__provider` text that goes into state: the module the engine's dynamic-provider host
 * loads (with `require-from-string`) to serve this resource. Pulumi's own `dynamic.Resource`
 * serializes a provider object's methods, ~2.6 KB stored twice per resource; this one only
 * `require()`s the installed runtime, so state stays small, it captures no credentials (those
 * come through `configure`), and a fixed runtime also serves old state.
 */
export function providerText(type: string): string {
  return `exports.handler = () => require("pulumi-edgeai/runtime").provider(${JSON.stringify(type)});\n`;
}

/** Every level of an input may be a promise or an Output. */
export type DeepInput<T> = T extends (infer E)[] ? pulumi.Input<DeepInput<E>[]> : T extends object ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }> : pulumi.Input<T>;

/**
 * The untyped base of a resource class. The classes users see (`hilens.ConfigMap`) are generated
 * subclasses (`generated.ts`) that declare the typed, documented `XxxArgs` and outputs.
 */
export interface EdgeResourceBase<S extends z.ZodObject<any>, O extends z.ZodObject<any>> {
  new (name: string, args: object, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource;
  readonly definition: ResourceDefinition<S, O>;
}

/** How a resource reaches its provider: the dynamic-provider plugin (default) or the native `edgeai` plugin. */
export type Delivery = "dynamic" | "native";

const MARKS: Record<Delivery, symbol> = { dynamic: Symbol.for("pulumi-edgeai:type"), native: Symbol.for("pulumi-edgeai:native-type") };

/** Whether `obj` is a resource of this package of type `token` and delivery, also across copies of the package. */
export function isEdgeResource(obj: unknown, token: string, delivery: Delivery = "dynamic"): boolean {
  return typeof obj === "object" && obj !== null && (obj as Record<symbol, unknown>)[MARKS[delivery]] === token;
}

/**
 * The type token a resource registers with, and the hidden inputs that go along: a dynamic
 * resource names its provider text and passes its name (the dynamic provider never learns the
 * URN); a native one is `edgeai:<service>:<Type>` of the `edgeai` plugin, which reads the name
 * from the URN, so its state holds no code.
 */
function deliveryOf(def: ResourceDefinition, delivery: Delivery): { type: string; hidden: (name: string) => Record<string, unknown> } {
  // Stryker disable next-line ArrowFunction: equivalent, the constructor Object.assign()s the hidden inputs, and an undefined source adds nothing, as {} does.
  if (delivery === "native") return { type: token(def), hidden: () => ({}) };
  const provider = providerText(token(def));
  return { type: `pulumi-nodejs:dynamic/${token(def)}`, hidden: (name) => ({ [NAME_KEY]: name, __provider: provider }) };
}

/** The typed resource class of a definition: `new hilens.ConfigMap("cm", {...})`, dynamic or native. */
export function resourceClass<S extends z.ZodObject<any>, O extends z.ZodObject<any>>(def: ResourceDefinition<S, O>, delivery: Delivery = "dynamic"): EdgeResourceBase<S, O> {
  const type = token(def);
  const { type: registeredType, hidden } = deliveryOf(def, delivery);
  const mark = MARKS[delivery];
  const secrets = [...(def.secrets ?? []), ...(def.secretOutputs ?? [])];
  const outputKeys = [...Object.keys(def.inputs.shape), ...Object.keys(def.outputs.shape)];
  class EdgeResource extends pulumi.CustomResource {
    static readonly definition = def;
    constructor(name: string, args: object, opts?: pulumi.CustomResourceOptions) {
      const props: Record<string, unknown> = {};
      for (const key of outputKeys) props[key] = (args as Record<string, unknown>)[key];
      // Dynamic providers never see `customTimeouts` (and the Node.js provider server drops them):
      // resources that wait get them as an input.
      if ("awaitTimeouts" in def.inputs.shape) props.awaitTimeouts ??= awaitTimeoutsOf(opts?.customTimeouts);
      // Secret inputs are secret even when the program passes plain values.
      // Stryker disable next-line ArrayDeclaration: equivalent, a definition without secrets has no input named like the mutant's made-up one, so nothing is sealed either way.
      for (const key of def.secrets ?? []) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
      Object.assign(props, hidden(name));
      // The SDK records `new Error().stack` on every promise it makes (used only in its report of
      // leaked promises), ~4 per output property; with source maps installed each capture maps every
      // frame, and at 13 properties per resource that was half the program's CPU in a no-op
      // preview. Its own source-position capture sets the limit itself, so it is unaffected.
      const stackTraceLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        super(registeredType, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets] });
      } finally {
        Error.stackTraceLimit = stackTraceLimit;
      }
      Object.defineProperty(this, mark, { value: type });
      if (def.idOutput) Object.defineProperty(this, def.idOutput, { value: this.id, enumerable: true });
      const advice = def.advice;
      if (advice) pulumi.output(args).apply((resolved) => advice(resolved as z.input<S>).forEach((message) => pulumi.log.warn(message, this)));
    }
  }
  Object.defineProperty(EdgeResource, "name", { value: def.name });
  return EdgeResource;
}

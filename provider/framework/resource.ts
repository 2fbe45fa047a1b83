import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { NAME_KEY, ResourceDefinition, token } from "./definition";
import { awaitTimeoutsOf } from "./await";

/**
 * The provider object that goes into state. Its methods only `require()` the runtime from the
 * installed package at call time: serialized, it is a few hundred characters, it captures no
 * credentials (those come through `configure`), and a fixed runtime also serves old state.
 * One object per resource type, because the serializer caches per object.
 */
function providerObject(type: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      return require("pulumi-edgeai/runtime").configure(req);
    },
    async check(olds, news) {
      return require("pulumi-edgeai/runtime").handlers.check(type, olds, news);
    },
    async diff(id, olds, news) {
      return require("pulumi-edgeai/runtime").handlers.diff(type, id, olds, news);
    },
    async create(inputs) {
      return require("pulumi-edgeai/runtime").handlers.create(type, inputs);
    },
    async read(id, props) {
      return require("pulumi-edgeai/runtime").handlers.read(type, id, props);
    },
    async update(id, olds, news) {
      return require("pulumi-edgeai/runtime").handlers.update(type, id, olds, news);
    },
    async delete(id, props) {
      return require("pulumi-edgeai/runtime").handlers.delete(type, id, props);
    },
  };
}

/** Every level of an input may be a promise or an Output. */
export type DeepInput<T> = T extends (infer E)[] ? pulumi.Input<DeepInput<E>[]> : T extends object ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }> : pulumi.Input<T>;

/**
 * The untyped base of a resource class. The classes users see (`hilens.ConfigMap`) are generated
 * subclasses (`generated.ts`) that declare the typed, documented `XxxArgs` and outputs.
 */
export interface EdgeResourceBase<S extends z.ZodObject<any>, O extends z.ZodObject<any>> {
  new (name: string, args: object, opts?: pulumi.CustomResourceOptions): pulumi.dynamic.Resource;
  readonly definition: ResourceDefinition<S, O>;
}

const TOKEN = Symbol.for("pulumi-edgeai:type");

/** Whether `obj` is a resource of this package of type `token`, also across copies of the package. */
export function isEdgeResource(obj: unknown, token: string): boolean {
  return typeof obj === "object" && obj !== null && (obj as Record<symbol, unknown>)[TOKEN] === token;
}

/** The typed resource class of a definition: `new hilens.ConfigMap("cm", {...})`. */
export function resourceClass<S extends z.ZodObject<any>, O extends z.ZodObject<any>>(def: ResourceDefinition<S, O>): EdgeResourceBase<S, O> {
  const type = token(def);
  const provider = providerObject(type);
  const secrets = [...(def.secrets ?? []), ...(def.secretOutputs ?? [])];
  const outputKeys = [...Object.keys(def.inputs.shape), ...Object.keys(def.outputs.shape)];
  class EdgeResource extends pulumi.dynamic.Resource {
    static readonly definition = def;
    constructor(name: string, args: object, opts?: pulumi.CustomResourceOptions) {
      const props: Record<string, unknown> = {};
      for (const key of outputKeys) props[key] = (args as Record<string, unknown>)[key];
      // The provider never learns the URN: the name goes along so its progress lines can say which resource they are about.
      props[NAME_KEY] = name;
      // Dynamic providers never see `customTimeouts`: resources that wait get them as an input.
      if ("awaitTimeouts" in def.inputs.shape) props.awaitTimeouts ??= awaitTimeoutsOf(opts?.customTimeouts);
      // Secret inputs are secret even when the program passes plain values.
      for (const key of def.secrets ?? []) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
      super(provider, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets] }, `edgeai:${def.service}`, def.name);
      Object.defineProperty(this, TOKEN, { value: type });
      if (def.idOutput) Object.defineProperty(this, def.idOutput, { value: this.id, enumerable: true });
      const advice = def.advice;
      if (advice) pulumi.output(args).apply((resolved) => advice(resolved as z.input<S>).forEach((message) => pulumi.log.warn(message, this)));
    }
  }
  Object.defineProperty(EdgeResource, "name", { value: def.name });
  return EdgeResource;
}

import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { resolveConfig } from "../config";
import { InputError } from "../client/errors";
import { contextFor } from "./context";
import type { Context, Service } from "./definition";
import type { DeepInput } from "./resource";

/**
 * A look-up (a Pulumi "function"), declared once like a resource: `args` is a zod schema whose
 * fields carry `.describe()`, validated with messages that name the function, argument and rule.
 * It runs two ways through `invokeLookup`: in the program's own process for `pulumi-edgeai` (dynamic
 * providers have no invokes; the `edgeai:` stack config and environment fallbacks), and in the
 * `edgeai` plugin for `fn::invoke` and `pulumi-edgeai/native` (the provider's configuration).
 */
export interface LookupDefinition<A extends z.ZodObject<any>, R> {
  service: Service;
  /** `getDevices`: token `edgeai:hilens:getDevices`. */
  name: string;
  description: string;
  args: A;
  /**
   * What it returns, documented in schema.json (`outputs`) and the generated types: an object, or
   * another type (a list), which an invoke answers as the single property `result`.
   */
  result: z.ZodType<R>;
  /** The whole result is secret in the Output form and through the plugin (for example a temporary password). */
  secret?: boolean;
  run(ctx: Context, args: z.infer<A>): Promise<R>;
}

/** The property an invoke answers a result that is not an object in (a list): `fn::invoke` and `invokeSingle` take a single property's value. */
export const INVOKE_RESULT_KEY = "result";

/** Whether an invoke answers the result as its single property `INVOKE_RESULT_KEY` (a list), rather than as the result's own properties (an object). */
export const answersSingle = (def: Pick<LookupDefinition<any, unknown>, "result">) => !(def.result instanceof z.ZodObject);

/** `edgeai:hilens:getDevices`. */
export const lookupToken = (def: Pick<LookupDefinition<any, unknown>, "service" | "name">) => `edgeai:${def.service}:${def.name}`;

export interface ArgumentFailure {
  /** The argument's path, e.g. `tags[0].key`; `(args)` for a rule across arguments. */
  property: string;
  /** `edgeai:hilens:getDevices: argument "name": <the rule>`. */
  reason: string;
}

/**
 * Validates the arguments, then runs the look-up with `ctx`. Bad arguments come back as failures,
 * one per broken rule, and nothing is sent: the program's process throws them, the plugin answers
 * them as the invoke's failures.
 */
export async function invokeLookup<R>(def: LookupDefinition<any, R>, ctx: Context, args: unknown): Promise<{ result?: R; failures: ArgumentFailure[] }> {
  const parsed = def.args.safeParse(args ?? {});
  if (!parsed.success) {
    const failures = parsed.error.issues.map((issue: z.core.$ZodIssue) => {
      const property = issue.path.join(".") || "(args)";
      return { property, reason: `${lookupToken(def)}: argument "${property}": ${issue.message}` };
    });
    return { failures };
  }
  return { result: await def.run(ctx, parsed.data), failures: [] };
}

let programContext: Context | undefined;
function context(): Context {
  return (programContext ??= contextFor(resolveConfig((key) => pulumi.runtime.getConfig(`edgeai:${key}`))));
}

export type LookupArgs<A extends z.ZodObject<any>> = { [K in keyof z.input<A>]: DeepInput<z.input<A>[K]> };

/** The plain async form (`getDevices(args)`) and the Output form (`getDevicesOutput(args)`) of a look-up, run in the program's process. */
export function lookup<A extends z.ZodObject<any>, R>(def: LookupDefinition<A, R>) {
  const plain = async (args?: z.input<A>): Promise<R> => {
    const { result, failures } = await invokeLookup(def, context(), args);
    if (failures.length) throw new InputError(failures.map((f) => f.reason).join("; "));
    return result as R;
  };
  const output = (args?: LookupArgs<A>): pulumi.Output<R> => {
    const result = pulumi.output(args ?? {}).apply((resolved) => plain(resolved as z.input<A>)) as pulumi.Output<R>;
    return def.secret ? (pulumi.secret(result) as unknown as pulumi.Output<R>) : result;
  };
  return { definition: def, plain, output };
}

/**
 * The forms of `pulumi-edgeai/native`: invokes of the `edgeai` plugin, which validates and runs the
 * look-up (`invokeLookup`) with the provider's configuration. A result that is not an object comes
 * back as the invoke's single property (`invokeSingle`); a secret one comes back secret.
 */
export function pluginLookup<R>(def: LookupDefinition<any, R>) {
  const token = lookupToken(def);
  const single = answersSingle(def);
  const plain = (args: object | undefined, opts?: pulumi.InvokeOptions): Promise<R> => (single ? pulumi.runtime.invokeSingle : pulumi.runtime.invoke)(token, (args ?? {}) as pulumi.Inputs, opts);
  const output = (args: object | undefined, opts?: pulumi.InvokeOptions): pulumi.Output<R> =>
    single ? pulumi.runtime.invokeSingleOutput<R>(token, (args ?? {}) as pulumi.Inputs, opts) : pulumi.runtime.invokeOutput<R>(token, (args ?? {}) as pulumi.Inputs, opts);
  return { plain, output };
}

/** `pluginLookup` of each of a service's look-ups, by function name. */
export function pluginLookups<T extends Record<string, { definition: LookupDefinition<any, any> }>>(forms: T): { [K in keyof T]: ReturnType<typeof pluginLookup<T[K]["definition"] extends LookupDefinition<any, infer R> ? R : never>> } {
  return Object.fromEntries(Object.entries(forms).map(([name, form]) => [name, pluginLookup(form.definition)])) as never;
}

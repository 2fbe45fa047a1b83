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
 * Dynamic providers have no invokes, so look-ups run in the program's own process, with the same
 * `edgeai:` stack config and environment fallbacks as the resources.
 */
export interface LookupDefinition<A extends z.ZodObject<any>, R> {
  service: Service;
  /** `getDevices`: token `edgeai:hilens:getDevices`. */
  name: string;
  description: string;
  args: A;
  /** Documents the result in schema.json when given. */
  result?: z.ZodObject<any>;
  /** The whole result is secret in the Output form (for example a temporary password). */
  secret?: boolean;
  run(ctx: Context, args: z.infer<A>): Promise<R>;
}

let programContext: Context | undefined;
function context(): Context {
  return (programContext ??= contextFor(resolveConfig((key) => pulumi.runtime.getConfig(`edgeai:${key}`))));
}

export type LookupArgs<A extends z.ZodObject<any>> = { [K in keyof z.input<A>]: DeepInput<z.input<A>[K]> };

/** The plain async form (`getDevices(args)`) and the Output form (`getDevicesOutput(args)`) of a look-up. */
export function lookup<A extends z.ZodObject<any>, R>(def: LookupDefinition<A, R>) {
  const plain = async (args?: z.input<A>): Promise<R> => {
    const parsed = def.args.safeParse(args ?? {});
    if (!parsed.success)
      throw new InputError(parsed.error.issues.map((issue) => `edgeai:${def.service}:${def.name}: argument "${issue.path.join(".") || "(args)"}": ${issue.message}`).join("; "));
    return def.run(context(), parsed.data);
  };
  const output = (args?: LookupArgs<A>): pulumi.Output<R> => {
    const result = pulumi.output(args ?? {}).apply((resolved) => plain(resolved as z.input<A>)) as pulumi.Output<R>;
    return def.secret ? (pulumi.secret(result) as unknown as pulumi.Output<R>) : result;
  };
  return { definition: def, plain, output };
}

import { packageSchema } from "./schema";
import { definitions } from "../registry";
import { importIdForm, token as tokenOf, type ResourceDefinition } from "./definition";

/** How a create whose answer was lost is resolved, from the definition's identity. */
function lostAnswer(def: ResourceDefinition): string {
  const id = def.identity;
  if (id.by === "name")
    return `**When a create's answer is lost** (a 5xx or a broken connection after the request was sent), the provider looks the object up by ${id.doc} before anything else: found, it is adopted; not found, the create is sent again. A create refused because the name is taken names the existing object's ID for \`importId\`.`;
  if (id.by === "none") return `**When a create's answer is lost** (a 5xx or a broken connection after the request was sent), the create is not sent again and \`up\` fails, since ${id.doc}.`;
  const found = id.whenFound === "recreate" ? "found, it is deleted and created anew" : "found, it is adopted";
  return `**When a create's answer is lost** (a 5xx or a broken connection after the request was sent), the provider looks for ${id.doc}: ${found}; not found, the create is sent again.`;
}

/** How `pulumi import` (the native plugin) finds the object, and what an import cannot know, from the definition's `importScope` and `unreadable`. */
function importing(def: ResourceDefinition): string {
  const scope = def.importScope?.length ? `, where the documented paths need ${def.importScope.map((path) => `\`${path}\``).join(", ")} to find the object` : "";
  const never = (def.unreadable ?? []).map((key) => `\`${key}\``).join(", ");
  const unreadable = never
    ? ` The service never answers ${never}: an imported object's state has no value for ${def.unreadable!.length > 1 ? "them" : "it"} (Pulumi warns that the generated code needs ${def.unreadable!.length > 1 ? "them" : "it"}), the program's value is not counted as a change while the state has none (so the \`import\` option with it succeeds), and the next \`up\` records it.`
    : "";
  return `**Import** (native plugin): \`pulumi import ${tokenOf(def)} <name> ${importIdForm(def)}\`${scope}.${unreadable}`;
}

type Json = Record<string, any>;

/** docs/reference.md: every resource's arguments and outputs, rendered from the same schema as schema.json. */
export function referenceMarkdown(): string {
  const schema = packageSchema();
  const lines: string[] = ["# pulumi-edgeai reference", "", "Generated from the resource definitions (`npm run docs`); do not edit by hand.", ""];
  // propertyOf gives every property a $ref, a type or a oneOf.
  const typeLabel = (p: Json): string =>
    p.$ref ? (p.$ref.startsWith("#/types/") ? `[${p.$ref.slice(8)}](#${anchor(p.$ref.slice(8))})` : "any") : p.type === "array" ? `${typeLabel(p.items ?? {})}[]` : p.oneOf ? p.oneOf.map(typeLabel).join(" \\| ") : p.type;
  const anchor = (token: string) => token.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const cell = (text: string | undefined) => (text ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
  const table = (props: Json, required: string[], flags: (key: string, p: Json) => string) => {
    lines.push("| name | type | required | notes | description |", "| --- | --- | --- | --- | --- |");
    for (const [key, p] of Object.entries<Json>(props)) lines.push(`| \`${key}\` | ${typeLabel(p)} | ${required.includes(key) ? "yes" : ""} | ${flags(key, p)} | ${cell(p.description)} |`);
    lines.push("");
  };
  for (const [token, spec] of Object.entries<Json>(schema.resources)) {
    const [, service, name] = token.split(":");
    const def = definitions.find((d) => tokenOf(d) === token)!;
    lines.push(`## ${service}.${name}`, "", `Type \`${token}\`. ${spec.description}`, "", lostAnswer(def), "", importing(def), "", "### Arguments", "");
    table(spec.inputProperties, spec.requiredInputs, (_, p) => [p.willReplaceOnChanges ? "replaces on change" : "", p.secret ? "secret" : "", p.default !== undefined ? `default \`${JSON.stringify(p.default)}\`` : ""].filter(Boolean).join(", "));
    const outputs = Object.fromEntries(Object.entries<Json>(spec.properties).filter(([k]) => !(k in spec.inputProperties)));
    lines.push("### Outputs", "", "All arguments, plus:", "");
    // Stryker disable next-line ArrayDeclaration: equivalent, an element no output is named after marks no output required.
    table(outputs, [], (_, p) => (p.secret ? "secret" : ""));
  }
  lines.push(
    "## Functions",
    "",
    "Each is a plain async function (`getDevices(args)`) and an Output form (`getDevicesOutput(args)`) that takes Inputs; in Pulumi YAML, `fn::invoke` of its token, served by the `edgeai` plugin. A result that is a list comes back from `fn::invoke` as that list.",
    "",
  );
  for (const [token, spec] of Object.entries<Json>(schema.functions)) {
    const [, service, name] = token.split(":");
    lines.push(`### ${service}.${name}`, "", spec.description, "", "Arguments:", "");
    // Stryker disable next-line ArrayDeclaration: equivalent, an element no argument is named after marks no argument required.
    table(spec.inputs.properties, spec.inputs.required ?? [], () => "");
    // An object result is a table of its properties; a list is one line naming its item type.
    lines.push("Result:", "");
    // Stryker disable next-line ArrayDeclaration: equivalent, an element no field is named after marks no field required.
    if (spec.outputs.properties) table(spec.outputs.properties, spec.outputs.required ?? [], () => "");
    else lines.push(`${typeLabel(spec.outputs)}: ${cell(spec.outputs.description)}`, "");
  }
  lines.push("## Types", "");
  for (const [token, type] of Object.entries<Json>(schema.types)) {
    lines.push(`### ${token}`, "");
    // Stryker disable next-line ArrayDeclaration: equivalent, an element no field is named after marks no field required.
    table(type.properties, type.required ?? [], () => "");
  }
  lines.push("## Configuration", "", "| key | description |", "| --- | --- |");
  for (const [key, v] of Object.entries<Json>(schema.config.variables)) lines.push(`| \`edgeai:${key}\` | ${cell(v.description)}${v.secret ? " (secret)" : ""} |`);
  return lines.join("\n") + "\n";
}

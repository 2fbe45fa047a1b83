/**
 * Reads of what the emulator holds, by plain HTTP on the documented paths, signed by the official
 * Huawei Cloud SDK signer (TensorBay: the documented X-Token header). Where a test checks that the
 * provider sent the right thing, reading it back through the provider's own client would let a
 * bug shared by both pass; these reads share no code with the provider.
 */
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { DEFAULTS, Emulator } from "../../emulator";
import { send } from "../unit/raw-http";

export interface ServerAnswer {
  status: number;
  json: any;
}

/** GET a Huawei (HiLens, Octopus) path, `{project_id}` filled in; answers status and JSON body. */
export async function huaweiGet(emulator: Emulator, path: string, query: Record<string, string> = {}): Promise<ServerAnswer> {
  const full = path.replace("{project_id}", DEFAULTS.projectId);
  const credential = { getAk: () => DEFAULTS.accessKey, getSk: () => DEFAULTS.secretKey };
  const headers = AKSKSigner.sign({ method: "GET", endpoint: `${emulator.url}${full}`, headers: {}, queryParams: query } as never, credential as never) as Record<string, string>;
  const qs = new URLSearchParams(query).toString().replace(/\+/g, "%20");
  const res = await send(emulator.url, "GET", qs ? `${full}?${qs}` : full, { headers });
  if (res.status === undefined) throw new Error(`GET ${full}: ${res.error}`);
  return { status: res.status, json: res.json };
}

/** The JSON body of a Huawei GET that must succeed. */
export async function huaweiRead(emulator: Emulator, path: string, query: Record<string, string> = {}): Promise<any> {
  const res = await huaweiGet(emulator, path, query);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** GET a TensorBay open-API path (below /gatewayv2/tensorbay-open-api), with the documented X-Token. */
export async function tensorbayGet(emulator: Emulator, path: string, query: Record<string, string> = {}): Promise<ServerAnswer> {
  const qs = new URLSearchParams(query).toString();
  const full = `/gatewayv2/tensorbay-open-api${path}${qs ? `?${qs}` : ""}`;
  const res = await send(emulator.url, "GET", full, { headers: { "X-Token": DEFAULTS.tensorbayAccessKey } });
  if (res.status === undefined) throw new Error(`GET ${full}: ${res.error}`);
  return { status: res.status, json: res.json };
}

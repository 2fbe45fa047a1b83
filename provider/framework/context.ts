import { ProviderConfig } from "../config";
import { HuaweiServiceClient, huaweiAuth } from "../client/huawei";
import { octopusClient } from "../client/octopus";
import { TensorbayClient } from "../client/tensorbay";
import type { Context } from "./definition";
import { reportProgress } from "./progress";

/** Clients are built on first use, so a stack that only uses TensorBay needs no Huawei credentials. */
export function contextFor(cfg: ProviderConfig): Context {
  let hilens: HuaweiServiceClient | undefined;
  let octopus: HuaweiServiceClient | undefined;
  let tensorbay: TensorbayClient | undefined;
  // Waits, retries and look-ups after lost answers show in the run's output, each line naming its
  // resource (progress.ts).
  const log = reportProgress;
  return {
    config: cfg,
    get hilens() {
      return (hilens ??= new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg, log), {}, log));
    },
    get octopus() {
      return (octopus ??= octopusClient(cfg, log));
    },
    get tensorbay() {
      return (tensorbay ??= new TensorbayClient(cfg, log));
    },
    log,
  };
}

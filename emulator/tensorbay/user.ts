import { createHash } from "node:crypto";
import { tensorbayRoute } from "./common";
import { OWNER } from "./datasets";

/**
 * GetUser (`GET /v1/users`, SDK `client/gas.py` `get_user`; answer as in the graviti SDK's
 * `get_user` example: id, nickname, email, mobile, description, team). The emulator's one user
 * per access key; its ID is derived from the key, never the key itself.
 */
export const userRoutes = [
  tensorbayRoute("GET /users", (req) => ({
    body: { id: createHash("sha256").update(req.principal).digest("hex").slice(0, 32), nickname: OWNER, email: `${OWNER}@emulator.invalid`, mobile: null, description: "", team: null },
  })),
];

// Passkeys (README "Passkeys", docs/passkeys.md): registration for the signed-in user, the
// usernameless login that opens a session (token or cookie mode, as /auth/login) or completes a
// password login's second step (mfa_token, src/mfa/challenge.ts), list and removal. The relying party is resolved first, so an unconfigured production fails closed (503)
// before any work.
import { Hono } from "hono";
import { assertUsable } from "../config";
import { invalidFields, readJson } from "../http/body";
import type { AppEnv } from "../http/types";
import { completeSecondStep, pendingSecondStep } from "../mfa/challenge";
import { authenticationOptions, verifyPasskeyLogin } from "../passkeys/login";
import { listPasskeys, publicPasskey, removePasskey } from "../passkeys/manage";
import { registerPasskey, registrationOptions } from "../passkeys/register";
import { relyingParty } from "../passkeys/relying-party";
import { loginOptionsBody, loginVerifyBody, registerOptionsBody, registerVerifyBody } from "../passkeys/schemas";
import { startSession } from "../sessions/sessions";
import { signedIn } from "./account";
import { answer } from "./auth";

export const passkeyRoutes = new Hono<AppEnv>()
  .post("/passkeys/register/options", async (c) => {
    const rp = relyingParty(c.get("rt"), c.req.url);
    // As other signed-in POSTs: with a bearer token no body is needed.
    await readJson(c, registerOptionsBody, { emptyAllowed: c.req.header("Authorization") !== undefined });
    const { user } = await signedIn(c);
    c.header("Cache-Control", "no-store");
    return c.json(await registrationOptions(c.get("rt"), user, rp));
  })
  .post("/passkeys/register/verify", async (c) => {
    const rp = relyingParty(c.get("rt"), c.req.url);
    const body = await readJson(c, registerVerifyBody);
    const { user } = await signedIn(c);
    const passkey = await registerPasskey(c.get("rt"), user, body.credential, body.name, rp);
    c.header("Cache-Control", "no-store");
    return c.json({ passkey: publicPasskey(passkey) }, 201);
  })
  .post("/passkeys/login/options", async (c) => {
    const rp = relyingParty(c.get("rt"), c.req.url);
    await readJson(c, loginOptionsBody, { emptyAllowed: true });
    c.header("Cache-Control", "no-store");
    return c.json(await authenticationOptions(c.get("rt"), rp));
  })
  .post("/passkeys/login/verify", async (c) => {
    const rp = relyingParty(c.get("rt"), c.req.url);
    const body = await readJson(c, loginVerifyBody);
    const rt = c.get("rt");
    if (body.mfa_token === undefined) {
      const user = await verifyPasskeyLogin(rt, body.credential, rp);
      return answer(c, await startSession(rt, user), 200, body.mode ?? "token");
    }
    // The second step after a password: the assertion must be of the mfa_token's user's passkey.
    assertUsable(rt.config);
    const pending = await pendingSecondStep(rt, body.mfa_token);
    const mode = pending.challenge.mode;
    if (body.mode !== undefined && body.mode !== mode) throw invalidFields({ mode: `Must be "${mode}", the mode of the login that issued this mfa_token.` });
    await verifyPasskeyLogin(rt, body.credential, rp, pending.user.id);
    return answer(c, await completeSecondStep(rt, pending, "passkey"), 200, mode);
  })
  .get("/passkeys", async (c) => {
    const { user } = await signedIn(c);
    c.header("Cache-Control", "no-store");
    return c.json({ passkeys: await listPasskeys(c.get("rt"), user.id) });
  })
  .delete("/passkeys/:id", async (c) => {
    const { user } = await signedIn(c);
    await removePasskey(c.get("rt"), user.id, c.req.param("id"));
    c.header("Cache-Control", "no-store");
    return c.body(null, 204);
  });

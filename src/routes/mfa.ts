// The second factor's routes (docs/mfa.md): TOTP enrollment, confirmation and
// removal and recovery codes for a signed-in user (bearer token, or the access cookie from an
// allowed Origin), and the login's second step, which redeems the mfa_token /auth/login issued.
import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import { assertUsable } from "../config";
import { completeSecondStep, pendingSecondStep } from "../mfa/challenge";
import { confirmTotp, disableTotp, enrollTotp, regenerateRecoveryCodes, type Confirmation } from "../mfa/enrollment";
import { checkProof, type Proof } from "../mfa/second-step";
import { invalidFields, readJson } from "../http/body";
import { passwordField, REFRESH_TOKEN_MAX } from "../http/fields";
import type { AppEnv } from "../http/types";
import { emptyBody, signedIn } from "./account";
import { answer } from "./auth";

const required = (issue: { input: unknown }) => (issue.input === undefined || issue.input === null ? "This field is required." : "Must be a string.");
const codeField = z.string({ error: required }).check(z.regex(/^[0-9]{6}$/, "Must be the 6-digit code from the authenticator app."));
// Recovery codes are 16 base32 characters, shown in groups of four; the cap only bounds abuse.
const recoveryCodeField = z.string({ error: required }).check(z.minLength(1, "This field may not be blank."), z.maxLength(64, "Ensure this field has no more than 64 characters."));
// Our mfa_tokens are 43 characters; a wrong one (an access token pasted in) is answered
// invalid_grant, not oversized: the cap is the refresh-token field's, which only bounds abuse.
const mfaTokenField = z
  .string({ error: required })
  .check(z.minLength(1, "This field may not be blank."), z.maxLength(REFRESH_TOKEN_MAX, `Ensure this field has no more than ${REFRESH_TOKEN_MAX} characters.`));

export const confirmBody = z.strictObject({ code: codeField });
export const changeBody = z.strictObject({ password: z.optional(passwordField), code: z.optional(codeField) });
export const verifyBody = z.strictObject({
  mfa_token: mfaTokenField,
  code: z.optional(codeField),
  recovery_code: z.optional(recoveryCodeField),
  mode: z.optional(z.enum(["token", "cookie"], { error: 'Must be "token" or "cookie".' })),
});

/** Exactly one of the two fields: a body with both or neither is refused as a whole. */
function oneOf<K extends string>(body: Partial<Record<K, string>>, names: [K, K]): K {
  const sent = names.filter((name) => body[name] !== undefined);
  if (sent.length !== 1) throw invalidFields({ [names[0]]: `Send either ${names[0]} or ${names[1]}.` });
  return sent[0]!;
}

function confirmation(body: z.infer<typeof changeBody>): Confirmation {
  oneOf(body, ["password", "code"]);
  return body;
}

function codes(c: Context<AppEnv>, recovery_codes: string[]) {
  c.header("Cache-Control", "no-store");
  return c.json({ recovery_codes });
}

export const mfaRoutes = new Hono<AppEnv>()
  .post("/mfa/totp/enroll", async (c) => {
    // As the other signed-in POSTs: a bearer request may send no body; a cookie one sends JSON.
    await readJson(c, emptyBody, { emptyAllowed: c.req.header("Authorization") !== undefined });
    const { user } = await signedIn(c);
    const enrollment = await enrollTotp(c.get("rt"), user);
    c.header("Cache-Control", "no-store");
    return c.json(enrollment);
  })
  .post("/mfa/totp/confirm", async (c) => {
    const { code } = await readJson(c, confirmBody);
    const { user } = await signedIn(c);
    return codes(c, await confirmTotp(c.get("rt"), user, code));
  })
  .delete("/mfa/totp", async (c) => {
    const body = confirmation(await readJson(c, changeBody));
    const { user } = await signedIn(c);
    await disableTotp(c.get("rt"), user, body);
    return c.body(null, 204);
  })
  .post("/mfa/recovery-codes", async (c) => {
    const body = confirmation(await readJson(c, changeBody));
    const { user } = await signedIn(c);
    return codes(c, await regenerateRecoveryCodes(c.get("rt"), user, body));
  })
  .post("/mfa/verify", async (c) => {
    const body = await readJson(c, verifyBody);
    const proof: Proof = oneOf(body, ["code", "recovery_code"]) === "code" ? { code: body.code! } : { recovery_code: body.recovery_code! };
    const rt = c.get("rt");
    assertUsable(rt.config);
    const pending = await pendingSecondStep(rt, body.mfa_token);
    // The session is answered as the login asked; a verify that asks otherwise is a client bug.
    if (body.mode !== undefined && body.mode !== pending.challenge.mode) throw invalidFields({ mode: `Must be "${pending.challenge.mode}", the mode of the login that issued this mfa_token.` });
    const { attempt, step } = await checkProof(rt, pending.user, proof);
    return answer(c, await completeSecondStep(rt, pending, step, attempt), 200, pending.challenge.mode);
  });

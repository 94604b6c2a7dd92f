// Request bodies of the passkey routes (zod/mini, as http/body.ts asks). `credential` is the JSON
// of a PublicKeyCredential as PublicKeyCredential.toJSON() gives it (WebAuthn L3 §5.1): its binary
// members base64url without padding. Members a browser adds that the checks do not use
// (authenticatorAttachment, clientExtensionResults, response.publicKey, ...) are accepted and ignored.
import * as z from "zod/mini";

const base64url = (max: number) =>
  z.string({ error: "Must be a base64url string." }).check(
    z.minLength(1, "Must be a base64url string."),
    z.maxLength(max, `Ensure this field has no more than ${max} characters.`),
    z.regex(/^[A-Za-z0-9_-]+$/, "Must be base64url without padding."),
  );

/** L3 §5.8.3: a credential id is at most 1023 bytes, 1364 characters of base64url. */
const credentialId = base64url(1364);

const publicKeyCredential = <R extends z.ZodMiniObject>(response: R) =>
  z.object(
    {
      id: credentialId,
      rawId: z.optional(credentialId),
      type: z.literal("public-key", { error: 'Must be "public-key".' }),
      response,
    },
    { error: "Must be the JSON of a PublicKeyCredential." },
  );

const transports = z.optional(z.array(z.string().check(z.maxLength(32))).check(z.maxLength(8)));

export const registrationCredential = publicKeyCredential(
  z.object({ clientDataJSON: base64url(4096), attestationObject: base64url(16384), transports }, { error: "Must be an AuthenticatorAttestationResponse." }),
);

export const assertionCredential = publicKeyCredential(
  z.object(
    { clientDataJSON: base64url(4096), authenticatorData: base64url(4096), signature: base64url(2048), userHandle: z.nullish(base64url(128)) },
    { error: "Must be an AuthenticatorAssertionResponse." },
  ),
);

const passkeyName = z.string({ error: "Must be a string." }).check(z.trim(), z.minLength(1, "This field may not be blank."), z.maxLength(64, "Ensure this field has no more than 64 characters."));

export const registerOptionsBody = z.strictObject({});
export const registerVerifyBody = z.strictObject({ credential: registrationCredential, name: z.optional(passkeyName) });
export const loginOptionsBody = z.strictObject({});
// Our mfa_tokens are 43 characters; a wrong one is answered invalid_grant, not oversized.
const mfaToken = z.string({ error: "Must be a string." }).check(z.minLength(1, "This field may not be blank."), z.maxLength(512, "Ensure this field has no more than 512 characters."));

/** `mode` defaults to "token"; with `mfa_token` (the second step after a password) it is the login's. */
export const loginVerifyBody = z.strictObject({
  credential: assertionCredential,
  mode: z.optional(z.enum(["token", "cookie"], { error: 'Must be "token" or "cookie".' })),
  mfa_token: z.optional(mfaToken),
});

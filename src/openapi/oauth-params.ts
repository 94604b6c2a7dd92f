// The OAuth endpoints read their parameters with oauth/params.ts (RFC 6749 form rules: a repeated
// parameter is refused, an empty value counts as absent), not with zod, so these schemas describe
// them for the document only. Keep them in step with routes/oauth.ts.
import { z } from "zod";

const value = z.string().min(1);
const clientCredentials = {
  client_id: value.optional().describe("Or HTTP Basic (RFC 6749 §2.3.1); never both."),
  client_secret: value.optional().describe("Or HTTP Basic; never both."),
};

export const tokenParams = z.union([
  z.object({ grant_type: z.literal("client_credentials"), scope: value.optional(), ...clientCredentials }),
  z.object({ grant_type: z.literal("refresh_token"), refresh_token: value, scope: value.optional(), ...clientCredentials }),
]);

export const introspectParams = z.object({ token: value, token_type_hint: z.enum(["access_token", "refresh_token"]).optional(), ...clientCredentials });

export const revokeParams = z.object({ token: value, token_type_hint: z.enum(["access_token", "refresh_token"]).optional(), ...clientCredentials });

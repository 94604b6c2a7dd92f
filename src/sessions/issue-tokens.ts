// Turns a session and a refresh token into the token set every API shape is mapped from.
import type { Runtime } from "../runtime";
import type { SessionRecord, UserRecord } from "../storage/ports";
import { signAccessToken } from "../tokens/access-token";

export interface IssuedTokens {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

export async function issueTokens(rt: Runtime, user: UserRecord, session: SessionRecord, refreshToken: string): Promise<IssuedTokens> {
  const now = rt.now();
  const { issuer, audience } = rt.config;
  const accessTtl = session.accessTtl ?? rt.config.accessTtl;
  const access = await signAccessToken(
    rt.keys!,
    { issuer, audience, accessTtl },
    { sub: user.id, sid: session.sid, username: user.username, roles: user.roles, ver: user.tokenVersion, client_id: session.clientId },
    Math.floor(now / 1000),
  );
  return {
    access_token: access,
    token_type: "Bearer",
    expires_in: accessTtl,
    refresh_token: refreshToken,
    refresh_expires_in: Math.max(0, Math.floor((session.expiresAt - now) / 1000)),
  };
}

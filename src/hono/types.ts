// What a protected route reads from `c.get("auth")`, and the Variables types that make it typed.

/** Who is calling, as both middlewares report it. */
export interface EdgeAuthIdentity {
  /** The user's id (for a service client's token, the client's id). */
  sub: string;
  /** Absent on a service client's token (client_credentials), which names no user. */
  username?: string;
  roles: string[];
  /** The session (for a service token, the token's own id). */
  sid: string;
  /** Expiry and issue time of the access token, epoch seconds. */
  exp: number;
  iat: number;
}

/** The verified access token's claims (RFC 9068), as `edgeAuth()` sets them. */
export interface EdgeAuthClaims extends EdgeAuthIdentity {
  iss: string;
  aud: string | string[];
  jti: string;
  /** The API shape that issued the token (`edge-auth`, `simplejwt`, ...) or the service client's id. */
  client_id: string;
  /** The user's token_version at issue. */
  ver: number;
  /** A service client's granted scopes, space-separated. */
  scope?: string;
}

/** `new Hono<{ Variables: EdgeAuthVariables }>()`: `c.get("auth")` after `edgeAuth()`. */
export type EdgeAuthVariables = { auth: EdgeAuthClaims };

/** `c.get("auth")` after `edgeAuthBinding()`: what AuthService.verify answers, by the same names. */
export type EdgeAuthBindingVariables = { auth: EdgeAuthIdentity };

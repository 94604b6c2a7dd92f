// This client's own session on the service: ending it (logout, logout everywhere) and naming it
// (so revokeSession() knows when the session it ends is its own).
import { AuthError, errorFromResponse, notSignedIn } from "./errors.js";
import type { Http } from "./http.js";
import type { SessionState } from "./session-state.js";
import type { Session } from "./types.js";

/**
 * POST /auth/logout for this client's session (every session with `all`). Answers the failure to
 * throw once the client has signed out locally, which it does whatever the service said.
 */
export async function endOwnSession(http: Http, state: SessionState, all: boolean): Promise<AuthError | undefined> {
  const { mode, refreshToken, status } = state;
  // Token mode names its session by the refresh token, which outlives the access token.
  if (mode === "token" && refreshToken === null) return status === "signedOut" ? undefined : notSignedIn();
  const body = mode === "token" ? { refresh_token: refreshToken, ...(all ? { all } : {}) } : all ? { all } : {};
  try {
    const response = await http.send(http.request("POST", "/auth/logout", body));
    // 401: the session had already ended, which is what was asked.
    return !response.ok && response.status !== 401 ? await errorFromResponse(response) : undefined;
  } catch (error) {
    return error as AuthError;
  }
}

/** Token mode: the `sid` claim of the access token (read, not verified: it is our own token). */
export function sessionIdOfToken(accessToken: string | null): string | undefined {
  const payload = accessToken?.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    return (JSON.parse(json) as { sid?: string }).sid;
  } catch {
    return undefined;
  }
}

/**
 * Which session is this client's own: token mode reads its access token's `sid`; cookie mode cannot
 * read its HttpOnly cookie, so it keeps the session sessions() last marked `current`.
 */
export class OwnSessionId {
  #listedCurrent: string | undefined;

  constructor(private readonly state: SessionState) {}

  noteListed(sessions: Session[]): void {
    this.#listedCurrent = sessions.find((session) => session.current)?.id;
  }

  get(): string | undefined {
    return this.state.mode === "cookie" ? this.#listedCurrent : sessionIdOfToken(this.state.accessToken);
  }
}

// fetch with the session: the bearer token (token mode) or the cookies (cookie mode), a refresh
// first when the access token is due, and on a 401 one refresh and one retry. A 401 that says the
// password was wrong (`invalid_credentials`, e.g. a password change) is the answer, not a stale
// token: it is returned as it is, and so is the second 401.
import type { Http } from "./http.js";
import type { Refresher } from "./refresher.js";
import type { SessionState } from "./session-state.js";

async function isWrongPassword(response: Response): Promise<boolean> {
  const body = (await response.clone().json().catch(() => null)) as { error?: unknown } | null;
  return body?.error === "invalid_credentials";
}

export class AuthedFetch {
  constructor(
    private readonly http: Http,
    private readonly state: SessionState,
    private readonly refresher: Refresher,
  ) {}

  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (this.refresher.isDue()) {
      // A failed proactive refresh is not the caller's error yet: the request may still pass (a
      // transient 503), and a refused refresh has signed the client out, so it goes without a token.
      await this.refresher.refresh().catch(() => {});
    }
    // A Request's body can be read once: keep a copy for the retry.
    const spare = input instanceof Request ? input.clone() : input;
    const generation = this.state.generation;
    const response = await this.#send(input, init);
    if (response.status !== 401 || this.state.status === "signedOut" || (await isWrongPassword(response))) return response;
    try {
      await this.refresher.refreshSince(generation);
    } catch {
      return response;
    }
    return this.#send(spare, init);
  }

  #send(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const token = this.state.mode === "token" ? this.state.accessToken : null;
    if (token === null) return this.http.send(input, init);
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", `Bearer ${token}`);
    return this.http.send(input, { ...init, headers });
  }
}

// Requests to the service: the base URL, JSON bodies, and the credentials of the mode. Cookie mode
// sends `credentials: "include"` so the browser sends and stores the HttpOnly cookies, also when
// the page is on another origin of the same site; the service's Origin check (src/http/origin.ts)
// is met by the Origin header the browser itself sets on every POST and DELETE. Token mode leaves
// `credentials` alone (Cloudflare Workers' fetch does not implement it).
import { errorFromResponse, networkError } from "./errors.js";
import type { Mode } from "./types.js";

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export class Http {
  constructor(
    readonly baseUrl: string,
    readonly mode: Mode,
    private readonly fetchImpl: FetchLike,
  ) {}

  /** The mode's credentials on top of `init`; a network failure becomes a NetworkError. */
  async send(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    try {
      return await this.fetchImpl(input, this.mode === "cookie" ? ({ ...init, credentials: "include" } as RequestInit) : init);
    } catch (error) {
      throw networkError(error);
    }
  }

  /** A request to the service's own API: `path` under the base URL, `body` as JSON. */
  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Request {
    const init: RequestInit = { method, headers: { Accept: "application/json", ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    }
    return new Request(`${this.baseUrl}${path}`, init);
  }
}

/** The JSON of a 2xx answer (undefined for 204), or the AuthError of any other. */
export async function answerOf<T>(response: Response): Promise<T> {
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

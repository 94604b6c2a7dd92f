// Typed errors: every failed call of the client throws an AuthError carrying the API's `error`
// code (README "Errors"); a 429 is a RateLimitedError with Retry-After in seconds, a 503 a
// ServiceUnavailableError, and a request that never got an answer is kind "network" (status 0).

export type AuthErrorKind = "api" | "rate_limited" | "unavailable" | "network";

export interface AuthErrorInit {
  status: number;
  code: string;
  description: string;
  fields?: Record<string, string>;
  retryAfter?: number;
  cause?: unknown;
}

export class AuthError extends Error {
  readonly kind: AuthErrorKind = "api";
  /** The HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** The API's `error` code, e.g. "invalid_credentials", "rate_limited". */
  readonly code: string;
  /** The API's `error_description`. */
  readonly description: string;
  /** Per-field messages of a 400 `invalid_request`. */
  readonly fields?: Record<string, string>;
  /** Seconds to wait before trying again (the Retry-After header), when the answer had one. */
  readonly retryAfter?: number;

  constructor(init: AuthErrorInit) {
    super(`${init.code}: ${init.description}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.description = init.description;
    if (init.fields !== undefined) this.fields = init.fields;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
  }
}

/** 429: too many attempts; `retryAfter` says when to try again. */
export class RateLimitedError extends AuthError {
  override readonly kind = "rate_limited";
}

/** 503: storage or configuration is unusable for now; `retryAfter` when the service said. */
export class ServiceUnavailableError extends AuthError {
  override readonly kind = "unavailable";
}

/** No answer at all: DNS, connection refused, CORS refused by the browser, offline. */
export class NetworkError extends AuthError {
  override readonly kind = "network";
}

/** Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The AuthError for an answer that is not 2xx; a body that is not the API's JSON still gets one. */
export async function errorFromResponse(response: Response): Promise<AuthError> {
  const body = (await response.json().catch(() => null)) as { error?: unknown; error_description?: unknown; fields?: unknown } | null;
  const init: AuthErrorInit = {
    status: response.status,
    code: typeof body?.error === "string" ? body.error : `http_${response.status}`,
    description: typeof body?.error_description === "string" ? body.error_description : response.statusText || `HTTP ${response.status}`,
  };
  if (body?.fields && typeof body.fields === "object") init.fields = body.fields as Record<string, string>;
  const retryAfter = retryAfterSeconds(response.headers.get("Retry-After"));
  if (retryAfter !== undefined) init.retryAfter = retryAfter;
  if (response.status === 429) return new RateLimitedError(init);
  if (response.status === 503) return new ServiceUnavailableError(init);
  return new AuthError(init);
}

export function networkError(cause: unknown): NetworkError {
  const description = cause instanceof Error ? cause.message : String(cause);
  return new NetworkError({ status: 0, code: "network_error", description, cause });
}

/** For calls that need a session when the client has none: nothing was sent. */
export const notSignedIn = () => new AuthError({ status: 401, code: "not_signed_in", description: "This client is not signed in." });

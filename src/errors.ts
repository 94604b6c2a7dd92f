// The one coded error type of edge-auth. Anything a client may see is an AuthError;
// `toErrorResponse` in http/error-response.ts is the only place that turns one into a Response.

export type ErrorCode =
  | "invalid_request"
  | "invalid_credentials"
  | "invalid_token"
  | "invalid_grant"
  | "invalid_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "forbidden"
  | "email_not_verified"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "server_error"
  | "temporarily_unavailable";

export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  invalid_grant: 401,
  // RFC 6749 §5.2: the OAuth endpoints' own codes.
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  forbidden: 403,
  email_not_verified: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  server_error: 500,
  temporarily_unavailable: 503,
};

export interface AuthErrorOptions {
  /** Per-field messages for `invalid_request` (never echoes a submitted secret). */
  fields?: Record<string, string>;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** Overrides the status of the code (RFC 6749 wants invalid_grant as 400 on /oauth). */
  status?: number;
  /** Internal reason for the structured log; never sent to the client. */
  reason?: string;
  /**
   * For `invalid_token`: whether a token was presented at all. RFC 6750 §3.1 says a request
   * without credentials gets a bare challenge, with no error code.
   */
  tokenPresented?: boolean;
  /**
   * A finer reason that some seeds' dialects show (seed 002 tells "Token has expired" apart;
   * seed 004 words a CSRF refusal its own way, and an Origin refusal another).
   * The native API collapses it into the code, as a client should not probe expired vs revoked.
   * "mfa_required": a profile refused a user with a second factor (mfa/profiles.ts); each dialect
   * answers its own 401 with this error's message.
   */
  variant?: "expired" | "missing" | "csrf" | "csrf_origin" | "mfa_required";
  cause?: unknown;
}

export class AuthError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields?: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly reason?: string;
  readonly tokenPresented: boolean;
  readonly variant?: "expired" | "missing" | "csrf" | "csrf_origin" | "mfa_required";

  constructor(code: ErrorCode, description: string, options: AuthErrorOptions = {}) {
    super(description, { cause: options.cause });
    this.name = "AuthError";
    this.code = code;
    this.status = options.status ?? STATUS_OF[code];
    this.fields = options.fields;
    this.headers = options.headers ?? {};
    this.reason = options.reason;
    this.tokenPresented = options.tokenPresented ?? true;
    this.variant = options.variant;
  }
}

/** Storage failed or configuration is unusable: fail closed, tell the client to retry later. */
export function unavailable(reason: string, cause?: unknown): AuthError {
  return new AuthError("temporarily_unavailable", "The service is temporarily unavailable. Try again shortly.", {
    headers: { "Retry-After": "5" },
    reason,
    cause,
  });
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}

// The endpoints the fuzzer drives, and the error shape each one documents: the native API
// (README, Native API) and every compatibility profile (test/seeds/). A new API shape adds its rows here.
export interface FuzzEndpoint {
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** Field names worth generating values for (bodies also get random keys). */
  fields: string[];
  /**
   * Body encodings the endpoint reads; any other Content-Type is refused with 415 before any work,
   * cookies or not (the CSRF defence of the native cookie routes relies on it: a cross-site form
   * can only send urlencoded, multipart or text/plain). `null`: it reads no body (GET; the bearer
   * logout; the cookie logouts, whose CSRF defence is the session's token).
   */
  accepts: ("json" | "form")[] | null;
  /** True when an error body has the endpoint's documented shape. */
  isDocumentedError(status: number, body: unknown): boolean;
  /** The exact error body the endpoint's dialect gives for a code and message. */
  errorBody(status: number, code: string, message: string): unknown;
  /** The status a body of an unread type gets, when not 415 (the OAuth endpoints: RFC 6749 §5.2's 400). */
  mediaTypeStatus?: number;
}

/** The classification src/http/body.ts makes, restated as the contract (README, Native API). */
export function bodyEncoding(contentType: string): "json" | "form" | null {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"))) return "json";
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") return "form";
  return null;
}

/** The exact refusal (415, or the endpoint's mediaTypeStatus) an endpoint gives for a body it does not read. */
export function unsupportedMediaType(endpoint: FuzzEndpoint): unknown {
  if (endpoint.mediaTypeStatus === 400) return endpoint.errorBody(400, "invalid_request", "Send the parameters as application/x-www-form-urlencoded or application/json.");
  const message = endpoint.accepts?.includes("form") ? "Send the request body as application/json or a form." : "Send the request body as application/json.";
  return endpoint.errorBody(415, "unsupported_media_type", message);
}

const NATIVE_CODES: Record<string, number[]> = {
  invalid_request: [400],
  invalid_credentials: [401],
  invalid_token: [401],
  // 400 for a reset or verification token (RFC 6749 §5.2), 401 for a refresh token.
  invalid_grant: [400, 401],
  email_not_verified: [403],
  forbidden: [403],
  not_found: [404],
  method_not_allowed: [405],
  conflict: [409],
  payload_too_large: [413],
  unsupported_media_type: [415],
  rate_limited: [429],
};

/** README, Errors: `{ error, error_description, fields? }`, the code matching the status. */
function nativeError(status: number, body: unknown): boolean {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const { error, error_description, fields, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof error !== "string" || typeof error_description !== "string") return false;
  if (!NATIVE_CODES[error]?.includes(status)) return false;
  if (fields === undefined) return true;
  return error === "invalid_request" && typeof fields === "object" && fields !== null && Object.values(fields).every((m) => typeof m === "string");
}

const isObject = (b: unknown): b is Record<string, unknown> => typeof b === "object" && b !== null && !Array.isArray(b);
const onlyKeys = (b: Record<string, unknown>, allowed: string[]) => Object.keys(b).every((k) => allowed.includes(k));
const stringMap = (v: unknown) => isObject(v) && Object.values(v).every((m) => typeof m === "string");

/** Seed 000: `{ error, status }` (+ `fields` for invalid input), status matching the response. */
const seed000 = (status: number, b: unknown) => isObject(b) && onlyKeys(b, ["error", "status", "fields"]) && typeof b.error === "string" && b.status === status && (b.fields === undefined || stringMap(b.fields));

/** Django REST framework (seeds 001, 004): `{ detail[, code] }` or `{ field: [message] }`. */
function drf(_status: number, b: unknown): boolean {
  if (!isObject(b) || Object.keys(b).length === 0) return false;
  if (typeof b.detail === "string") return onlyKeys(b, ["detail", "code"]) && (b.code === undefined || typeof b.code === "string");
  return Object.values(b).every((v) => Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === "string"));
}

/** Seed 002 (FastAPI): `{ detail: string }`, or 422 `{ detail: [{ type, loc, msg }] }`. */
function seed002(status: number, b: unknown): boolean {
  if (!isObject(b) || !onlyKeys(b, ["detail"])) return false;
  if (typeof b.detail === "string") return true;
  return status === 422 && Array.isArray(b.detail) && b.detail.every((d) => isObject(d) && onlyKeys(d, ["type", "loc", "msg"]) && typeof d.msg === "string" && Array.isArray(d.loc));
}

/** Seed 003: `{ error, message, code }` (+ `fields`), code matching the status. */
const seed003 = (status: number, b: unknown) => isObject(b) && onlyKeys(b, ["error", "message", "code", "fields"]) && typeof b.error === "string" && typeof b.message === "string" && b.code === status && (b.fields === undefined || stringMap(b.fields));

/** The OAuth endpoints (docs/gateways.md, Errors): RFC 6749 §5.2 `{ error, error_description }`, 400 for request errors. */
const OAUTH_CODES: Record<string, number[]> = {
  invalid_request: [400],
  invalid_grant: [400],
  unsupported_grant_type: [400],
  invalid_scope: [400],
  invalid_client: [401],
  forbidden: [403],
  not_found: [404],
  method_not_allowed: [405],
  payload_too_large: [413],
  rate_limited: [429],
};
const oauthError = (status: number, b: unknown) =>
  isObject(b) && onlyKeys(b, ["error", "error_description"]) && typeof b.error === "string" && typeof b.error_description === "string" && OAUTH_CODES[b.error]?.includes(status) === true;

type Dialect = Pick<FuzzEndpoint, "isDocumentedError" | "errorBody">;
const NATIVE: Dialect = { isDocumentedError: nativeError, errorBody: (_s, error, error_description) => ({ error, error_description }) };
const SEED000: Dialect = { isDocumentedError: seed000, errorBody: (status, _c, error) => ({ error, status }) };
const DRF: Dialect = { isDocumentedError: drf, errorBody: (_s, _c, detail) => ({ detail }) };
const SEED002: Dialect = { isDocumentedError: seed002, errorBody: (_s, _c, detail) => ({ detail }) };
const OAUTH: Dialect & Pick<FuzzEndpoint, "mediaTypeStatus"> = { isDocumentedError: oauthError, errorBody: (_s, error, error_description) => ({ error, error_description }), mediaTypeStatus: 400 };
const SEED003: Dialect = { isDocumentedError: seed003, errorBody: (code, error, message) => ({ error, message, code }) };

export const FUZZ_ENDPOINTS: FuzzEndpoint[] = [
  { method: "POST", path: "/auth/register", fields: ["username", "email", "password", "mode"], accepts: ["json"], ...NATIVE },
  { method: "POST", path: "/auth/login", fields: ["identifier", "username", "email", "password", "mode"], accepts: ["json"], ...NATIVE },
  { method: "POST", path: "/auth/refresh", fields: ["refresh_token"], accepts: ["json"], ...NATIVE },
  { method: "POST", path: "/auth/logout", fields: ["all", "refresh_token"], accepts: ["json"], ...NATIVE },
  { method: "GET", path: "/auth/me", fields: [], accepts: null, ...NATIVE },
  // Forward auth answers any method; it reads no body.
  { method: "GET", path: "/auth/verify", fields: [], accepts: null, ...NATIVE },
  { method: "POST", path: "/oauth/token", fields: ["grant_type", "refresh_token", "scope", "client_id", "client_secret"], accepts: ["json", "form"], ...OAUTH },
  { method: "POST", path: "/oauth/introspect", fields: ["token", "token_type_hint", "client_id", "client_secret"], accepts: ["json", "form"], ...OAUTH },
  { method: "POST", path: "/oauth/revoke", fields: ["token", "token_type_hint", "client_id", "client_secret"], accepts: ["json", "form"], ...OAUTH },
  { method: "GET", path: "/auth/sessions", fields: [], accepts: null, ...NATIVE },
  { method: "POST", path: "/auth/password", fields: ["current_password", "new_password"], accepts: ["json"], ...NATIVE },
  { method: "POST", path: "/auth/password/forgot", fields: ["email", "identifier"], accepts: ["json"], ...NATIVE },
  { method: "POST", path: "/auth/password/reset", fields: ["token", "new_password", "mode"], accepts: ["json"], ...NATIVE },
  { method: "POST", path: "/auth/email/verify/request", fields: [], accepts: ["json"], ...NATIVE },
  { method: "POST", path: "/auth/email/verify", fields: ["token"], accepts: ["json"], ...NATIVE },
  { method: "DELETE", path: "/auth/me", fields: ["password"], accepts: ["json"], ...NATIVE },
  { method: "POST", path: "/accounts/login/", fields: ["username", "password", "csrfmiddlewaretoken"], accepts: ["json", "form"], ...SEED000 },
  { method: "POST", path: "/accounts/logout/", fields: ["csrfmiddlewaretoken"], accepts: null, ...SEED000 },
  { method: "POST", path: "/api/token/", fields: ["username", "password"], accepts: ["json", "form"], ...DRF },
  { method: "POST", path: "/api/token/refresh/", fields: ["refresh"], accepts: ["json", "form"], ...DRF },
  { method: "POST", path: "/api/token/verify/", fields: ["token"], accepts: ["json", "form"], ...DRF },
  { method: "POST", path: "/api/token/blacklist/", fields: ["refresh"], accepts: ["json", "form"], ...DRF },
  { method: "POST", path: "/api/auth/register", fields: ["username", "email", "password"], accepts: ["json"], ...SEED002 },
  { method: "POST", path: "/api/auth/login", fields: ["username", "password"], accepts: ["json"], ...SEED002 },
  { method: "GET", path: "/api/auth/me", fields: [], accepts: null, ...SEED002 },
  { method: "POST", path: "/api/v1/auth/register", fields: ["username", "email", "password"], accepts: ["json"], ...SEED003 },
  { method: "POST", path: "/api/v1/auth/login", fields: ["username", "password"], accepts: ["json"], ...SEED003 },
  { method: "POST", path: "/api/v1/auth/refresh", fields: ["refresh_token"], accepts: ["json"], ...SEED003 },
  { method: "POST", path: "/api/v1/auth/logout", fields: ["refresh_token"], accepts: null, ...SEED003 },
  { method: "POST", path: "/api/register/", fields: ["username", "email", "password", "password2"], accepts: ["json", "form"], ...DRF },
  { method: "POST", path: "/api/login/", fields: ["username", "password"], accepts: ["json", "form"], ...DRF },
  { method: "POST", path: "/api/logout/", fields: [], accepts: null, ...DRF },
  { method: "GET", path: "/api/user/", fields: [], accepts: null, ...DRF },
];

// The endpoints the fuzzer drives, and the error shape each one documents. Profiles add their
// rows here (with their seed's error shape) after the merge; the fuzzer needs nothing else.
export interface FuzzEndpoint {
  method: "GET" | "POST";
  path: string;
  /** Field names worth generating values for (bodies also get random keys). */
  fields: string[];
  /** Body encodings the endpoint documents; others must be refused cleanly (415). */
  accepts: ("json" | "form")[];
  /** True when an error body has the endpoint's documented shape. */
  isDocumentedError(status: number, body: unknown): boolean;
}

const NATIVE_CODES: Record<string, number[]> = {
  invalid_request: [400],
  invalid_credentials: [401],
  invalid_token: [401],
  invalid_grant: [401],
  forbidden: [403],
  not_found: [404],
  method_not_allowed: [405],
  conflict: [409],
  payload_too_large: [413],
  unsupported_media_type: [415],
  rate_limited: [429],
};

/** DESIGN.md §7: `{ error, error_description, fields? }`, the code matching the status. */
function nativeError(status: number, body: unknown): boolean {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const { error, error_description, fields, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof error !== "string" || typeof error_description !== "string") return false;
  if (!NATIVE_CODES[error]?.includes(status)) return false;
  if (fields === undefined) return true;
  return error === "invalid_request" && typeof fields === "object" && fields !== null && Object.values(fields).every((m) => typeof m === "string");
}

export const FUZZ_ENDPOINTS: FuzzEndpoint[] = [
  { method: "POST", path: "/auth/register", fields: ["username", "email", "password"], accepts: ["json"], isDocumentedError: nativeError },
  { method: "POST", path: "/auth/login", fields: ["identifier", "username", "email", "password"], accepts: ["json"], isDocumentedError: nativeError },
  { method: "POST", path: "/auth/refresh", fields: ["refresh_token"], accepts: ["json"], isDocumentedError: nativeError },
  { method: "POST", path: "/auth/logout", fields: ["all"], accepts: ["json"], isDocumentedError: nativeError },
  { method: "GET", path: "/auth/me", fields: [], accepts: [], isDocumentedError: nativeError },
];

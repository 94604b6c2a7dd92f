// The error body of each dialect, as JSON Schema for the document's components. These mirror the
// ErrorShape functions (http/error-response.ts, oauth/dialect.ts, profiles/*): responses are
// produced, not validated, so there is no zod schema to derive them from.
type JsonSchema = Record<string, unknown>;

const str = { type: "string" };
const int = { type: "integer" };
const fieldMessages = { type: "object", additionalProperties: str, description: "One message per rejected field." };
const drfBody = {
  oneOf: [
    { type: "object", properties: { detail: str, code: str }, required: ["detail"] },
    { type: "object", additionalProperties: { type: "array", items: str }, description: "Django REST framework field errors, incl. non_field_errors." },
  ],
};

export const DIALECTS = {
  native: { type: "object", properties: { error: str, error_description: str, fields: fieldMessages }, required: ["error", "error_description"] },
  // RFC 6749 §5.2 (also used by RFC 7662 and RFC 7009).
  oauth: {
    type: "object",
    properties: {
      error: { enum: ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "rate_limited", "server_error", "temporarily_unavailable", "not_found", "method_not_allowed", "payload_too_large"] },
      error_description: str,
    },
    required: ["error"],
  },
  "cookie-session": { type: "object", properties: { error: str, status: int, fields: fieldMessages }, required: ["error", "status"] },
  simplejwt: drfBody,
  "session-api": drfBody,
  // FastAPI: `detail` is a string, or RequestValidationError's list (422).
  "bearer-api": {
    type: "object",
    properties: {
      detail: {
        oneOf: [str, { type: "array", items: { type: "object", properties: { type: str, loc: { type: "array", items: str }, msg: str }, required: ["type", "loc", "msg"] } }],
      },
    },
    required: ["detail"],
  },
  "v1-api": { type: "object", properties: { error: str, message: str, code: int, fields: fieldMessages }, required: ["error", "message", "code"] },
} satisfies Record<string, JsonSchema>;

export type Dialect = keyof typeof DIALECTS;

/** The component name of a dialect's error body, e.g. "SimplejwtError". */
export function errorSchemaName(dialect: Dialect): string {
  return `${dialect.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase())}Error`;
}

const REASONS: Record<number, string> = {
  400: "Malformed request or rejected fields",
  401: "Missing, invalid or expired credentials",
  403: "Authenticated but not allowed (role, CSRF or Origin, unverified email)",
  404: "No such resource, or the profile is disabled",
  405: "Method not allowed on this path (Allow lists the methods)",
  409: "Conflict with an existing record",
  413: "Body too large",
  415: "Unsupported Content-Type",
  422: "Validation error (FastAPI dialect)",
  429: "Throttled (Retry-After says when to retry)",
  500: "Unexpected server error",
  503: "Storage or configuration unavailable (Retry-After)",
};

export function errorResponse(dialect: Dialect, status: number) {
  return {
    description: REASONS[status] ?? "Error",
    content: { "application/json": { schema: { $ref: `#/components/schemas/${errorSchemaName(dialect)}` } } },
  };
}

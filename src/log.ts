// Structured JSON log lines (Workers Logs index them). Callers pass only identifiers and codes:
// never a password, token, secret or cookie value. As a second line of defence, anything shaped
// like a JWT or a refresh token (e.g. inside a storage error message) is redacted on the way out.
export type LogLevel = "info" | "warn" | "error";

const TOKEN_SHAPES = [
  /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWS compact serialisation
  /[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}/g, // refresh token
  /[A-Za-z0-9_-]{43}/g, // any 256-bit base64url value: a refresh secret, MAC or signature part
];

export function redact(line: string): string {
  return TOKEN_SHAPES.reduce((text, shape) => text.replace(shape, "[redacted]"), line);
}

/**
 * The redactor, reached through this object so the log-secrets test can switch it off and check
 * what callers actually pass: redaction is the second line of defence, not the first.
 */
export const logRedaction = { apply: redact };

export function logEvent(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  const line = logRedaction.apply(JSON.stringify({ level, event, ...fields }));
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

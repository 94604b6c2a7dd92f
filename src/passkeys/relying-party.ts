// The WebAuthn relying party: its RP ID and the origins whose ceremonies it accepts, from
// WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS (docs/passkeys.md, Configuration). Unset in production the
// passkey routes fail closed (503, the log names the setting); in development they default to the
// request's own host and origin plus ALLOWED_ORIGINS, so `npm start` works on any port.
import { unavailable } from "../errors";
import type { Runtime } from "../runtime";

/** configured: both set and consistent. request: development without them. unusable: 503 on passkey routes. */
export type WebAuthnConfig = { kind: "configured"; rpId: string; origins: string[] } | { kind: "request" } | { kind: "unusable"; problem: string };

export interface RelyingParty {
  id: string;
  /** The RP name browsers show; the RP ID is what a user can check. */
  name: string;
  origins: string[];
}

/**
 * WebAuthn L3 §5.1.4.1 (and HTML's "registrable domain suffix"): the RP ID must be the origin's
 * host or a parent domain of it; an origin it does not cover could never complete a ceremony.
 */
function covers(rpId: string, origin: URL): boolean {
  return origin.hostname === rpId || origin.hostname.endsWith(`.${rpId}`);
}

function asOrigin(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.origin === text && (url.protocol === "https:" || url.protocol === "http:") ? url : null;
  } catch {
    return null;
  }
}

export function readWebAuthnConfig(env: Partial<Record<string, unknown>>, dev: boolean): WebAuthnConfig {
  const value = (name: string) => (typeof env[name] === "string" ? (env[name] as string).trim() : "");
  const rpId = value("WEBAUTHN_RP_ID").toLowerCase();
  const origins = value("WEBAUTHN_ORIGINS").split(",").map((o) => o.trim()).filter(Boolean);
  if (!rpId && origins.length === 0) return dev ? { kind: "request" } : { kind: "unusable", problem: "WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS are not set" };
  if (!rpId) return { kind: "unusable", problem: "WEBAUTHN_RP_ID is not set (WEBAUTHN_ORIGINS is)" };
  if (origins.length === 0) return { kind: "unusable", problem: "WEBAUTHN_ORIGINS is not set (WEBAUTHN_RP_ID is)" };
  if (!/^[a-z0-9.-]+$/.test(rpId) || rpId.startsWith(".") || rpId.endsWith(".")) return { kind: "unusable", problem: "WEBAUTHN_RP_ID must be a domain name, without scheme or port" };
  for (const origin of origins) {
    const url = asOrigin(origin);
    if (!url) return { kind: "unusable", problem: `WEBAUTHN_ORIGINS: ${origin} is not an origin (scheme://host[:port])` };
    // WebAuthn needs a secure context: plain http only for localhost-style development.
    if (url.protocol === "http:" && !dev) return { kind: "unusable", problem: `WEBAUTHN_ORIGINS: ${origin} must be https` };
    if (!covers(rpId, url)) return { kind: "unusable", problem: `WEBAUTHN_ORIGINS: ${origin} is not within WEBAUTHN_RP_ID ${rpId}` };
  }
  return { kind: "configured", rpId, origins };
}

/** The relying party for this request; 503 (and the reason in the log) when it is not configured. */
export function relyingParty(rt: Runtime, requestUrl: string): RelyingParty {
  const config = rt.config.webauthn;
  if (config.kind === "unusable") throw unavailable(`passkeys unusable: ${config.problem}`);
  if (config.kind === "configured") return { id: config.rpId, name: config.rpId, origins: config.origins };
  const url = new URL(requestUrl);
  return { id: url.hostname, name: url.hostname, origins: [url.origin, ...rt.config.allowedOrigins.filter((o) => asOrigin(o) !== null && covers(url.hostname, new URL(o)))] };
}

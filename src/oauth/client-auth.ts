// Client authentication on the OAuth endpoints (RFC 6749 §2.3.1): client_secret_basic (the
// Authorization header) or client_secret_post (client_id and client_secret in the body), never
// both at once (§2.3: one method per request). The secret is checked in constant time against
// its stored HMAC (src/clients/secret.ts) after the throttle, so guesses are limited like logins.
import type { Context } from "hono";
import { verifyClientSecret } from "../clients/secret";
import { assertUsable } from "../config";
import { AuthError } from "../errors";
import type { AppEnv } from "../http/types";
import type { Runtime } from "../runtime";
import type { ClientRecord } from "../storage/ports";
import { throttleClientAuth } from "../throttling/rate-limit";
import type * as z from "zod/mini";
import type { clientParams } from "./params";

type ClientParams = z.infer<typeof clientParams>;

/** One answer for every failure (unknown client, wrong secret, malformed header): nothing to probe. */
const failed = (reason: string) => new AuthError("invalid_client", "Client authentication failed.", { reason });

interface Credentials {
  clientId: string;
  /** Undefined for a public client, which names itself with client_id alone (RFC 6749 §3.2.1). */
  secret?: string;
}

/** atob's binary string as UTF-8 text; null when it is not valid UTF-8. ASCII (the usual case) as is. */
function utf8Text(binary: string): string | null {
  if (/^[\x00-\x7f]*$/.test(binary)) return binary;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** application/x-www-form-urlencoded decoding of one part ("+" is a space); throws on a bad escape. */
const formDecode = (text: string) => (/[%+]/.test(text) ? decodeURIComponent(text.replace(/\+/g, " ")) : text);

/** RFC 6749 §2.3.1: each part is form-urlencoded, then "id:secret" in base64. */
function fromBasic(header: string): Credentials {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  let decoded: string | null = null;
  try {
    decoded = match ? utf8Text(atob(match[1]!)) : null;
  } catch {
    decoded = null;
  }
  const colon = decoded?.indexOf(":") ?? -1;
  if (decoded === null || colon < 0) throw failed("malformed Basic credentials");
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw failed("malformed percent-encoding in Basic credentials");
  }
}

/** The credentials the request presents; null when it presents none. */
function presented(c: Context<AppEnv>, params: ClientParams): Credentials | null {
  const header = c.req.header("Authorization");
  const { client_id: bodyId, client_secret: bodySecret } = params;
  if (header !== undefined) {
    if (bodySecret !== undefined) throw new AuthError("invalid_request", "Send the client credentials in the Authorization header or in the body, not both.");
    const basic = fromBasic(header);
    // §2.3.1 allows client_id in the body beside Basic only if it names the same client.
    if (bodyId !== undefined && bodyId !== basic.clientId) throw failed("client_id in the body names another client");
    return basic;
  }
  if (bodyId === undefined && bodySecret === undefined) return null;
  if (bodyId === undefined) throw failed("client_secret without client_id");
  return { clientId: bodyId, secret: bodySecret };
}

/**
 * Verified credentials, per isolate and per server-secret configuration, for CLIENT_AUTH_MEMO_MS:
 * a gateway that introspects on every request costs one D1 read and one throttle unit per isolate
 * per period instead of one per request. The bound: a client deleted, or given a new secret, stops
 * authenticating within this long in an isolate that has just verified it.
 */
export const CLIENT_AUTH_MEMO_MS = 30_000;
const MAX_MEMO = 1_000;
const memo = new WeakMap<object, Map<string, { client: ClientRecord; until: number }>>();

async function verify(rt: Runtime, credentials: Required<Credentials>): Promise<ClientRecord> {
  assertUsable(rt.config); // the memo is per key set: without one, 503 before anything else
  let known = memo.get(rt.secrets!);
  if (!known) memo.set(rt.secrets!, (known = new Map()));
  // Keyed by the secret itself, as the verified-token memo is by the token: the isolate holds it
  // while the request does anyway, a digest per request cost a third of introspection's CPU
  // (bench/profile.mjs introspect), and only a pair that verified is ever stored. Never logged.
  const key = `${credentials.clientId}\n${credentials.secret}`;
  const hit = known.get(key);
  if (hit && hit.until > rt.now()) return hit.client;
  await throttleClientAuth(rt, credentials.clientId);
  const client = await verifyClientSecret(rt, credentials.clientId, credentials.secret);
  if (!client) throw failed(`wrong secret or unknown client ${credentials.clientId}`);
  known.delete(key);
  if (known.size >= MAX_MEMO) known.delete(known.keys().next().value!);
  known.set(key, { client, until: rt.now() + CLIENT_AUTH_MEMO_MS });
  return client;
}

/** Who the request says it is, on endpoints open to public clients. */
export type Caller = { kind: "confidential"; client: ClientRecord } | { kind: "public"; clientId: string } | { kind: "anonymous" };

/** A confidential client's credentials, when sent, must be valid; a public client only names itself. */
export async function identifyCaller(c: Context<AppEnv>, params: ClientParams): Promise<Caller> {
  const credentials = presented(c, params);
  if (!credentials) return { kind: "anonymous" };
  if (credentials.secret === undefined) return { kind: "public", clientId: credentials.clientId };
  return { kind: "confidential", client: await verify(c.get("rt"), { clientId: credentials.clientId, secret: credentials.secret }) };
}

/** The authenticated client; 401 invalid_client for anything less than valid credentials. */
export async function authenticateClient(c: Context<AppEnv>, params: ClientParams): Promise<ClientRecord> {
  const caller = await identifyCaller(c, params);
  if (caller.kind !== "confidential") throw failed(caller.kind === "public" ? "client_id without a secret" : "no client authentication");
  return caller.client;
}

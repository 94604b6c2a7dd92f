// The per-request runtime: validated config, imported keys, storage ports and the clock.
// Parsing config and importing keys is done once per isolate and per distinct configuration
// (key imports are the costliest part of a cold request), not once per request.
import { readConfig, type Config } from "./config";
import { loadSecrets, type Secrets } from "./crypto/purpose-keys";
import { logEvent } from "./log";
import { d1CommonPasswords } from "./storage/common-passwords";
import { d1AuditStore, d1LoginAttemptStore } from "./storage/d1-security";
import { d1SessionIndex } from "./storage/d1-session-index";
import { d1ClientStore } from "./storage/d1-clients";
import { d1UserDirectory } from "./storage/d1-directory";
import { d1UserStore } from "./storage/d1-users";
import { kvSessionStore } from "./storage/kv-sessions";
import type { AllStores, Stores } from "./storage/ports";
import { withReadCache, withUserInvalidation } from "./storage/read-cache";
import { d1AccountStore } from "./storage/d1-accounts";
import { d1PasskeyStore } from "./storage/d1-passkeys";
import { kvChallengeStore } from "./storage/kv-challenges";
import { d1MfaStore } from "./storage/d1-mfa";
import { bindingRateLimits, type RateLimits } from "./throttling/limiters";
import { loadKeyRing, type KeyRing } from "./tokens/signing-keys";

export interface Runtime {
  config: Config;
  /** Null when the configuration is unusable; `config.problems` then says why. */
  keys: KeyRing | null;
  /** Per-purpose HMAC keys derived from REFRESH_TOKEN_SECRET; null when the configuration is unusable. */
  secrets: Secrets | null;
  stores: AllStores;
  /** The Rate Limiting bindings behind a port, so tests can inject their own. */
  limits: RateLimits;
  /**
   * CF-Connecting-IP as received (audit rows keep it whole); null without one (a Service Binding
   * call, an in-process test). The limiters key it with throttling/client-key.ts: null → "unknown".
   */
  clientIp: string | null;
  /** Epoch milliseconds. Injected so lifetimes can be tested without waiting. */
  now: () => number;
  /** The request's User-Agent, kept on the sessions it opens (GET /auth/sessions); set by app.ts. */
  userAgent?: string | null;
}

export interface RuntimeOptions {
  stores?: (env: Env) => Stores;
  rateLimits?: (env: Env) => RateLimits;
  clock?: () => number;
}

interface Prepared {
  config: Config;
  keys: KeyRing | null;
  secrets: Secrets | null;
}

const CONFIG_NAMES = [
  "ENVIRONMENT", "ISSUER", "AUDIENCE", "JWT_ALGORITHM", "JWT_EXPIRATION", "REFRESH_TOKEN_EXPIRATION", "SESSION_MAX_AGE",
  "REFRESH_REUSE_INTERVAL", "ALLOWED_ORIGINS", "PROFILES", "REGISTRATION", "PASSWORD_HASH", "PASSWORD_ITERATIONS",
  "PASSWORD_POLICY", "PASSWORD_PEPPER", "SIGNING_KEYS", "ACTIVE_KID", "JWT_SECRET_KEY", "REFRESH_TOKEN_SECRET",
  "REFRESH_TOKEN_SECRET_PREVIOUS", "AUDIT_RETENTION_DAYS", "REQUIRE_VERIFIED_EMAIL", "DELIVERY_WEBHOOK_URL", "DELIVERY_WEBHOOK_SECRET", "APP_URL", "MFA_PROFILES",
  "SESSION_IDLE_TIMEOUT", "SIMPLEJWT_ACCESS_TOKEN_LIFETIME", "SIMPLEJWT_REFRESH_TOKEN_LIFETIME", "DEMO_PAGE",
  "WEBAUTHN_RP_ID", "WEBAUTHN_ORIGINS",
];
const prepared = new Map<string, Promise<Prepared>>();
const MAX_PREPARED = 8;

async function prepare(env: Record<string, unknown>): Promise<Prepared> {
  const config = readConfig(env);
  const ring = await loadKeyRing(config);
  const keys = Array.isArray(ring) ? null : ring;
  if (Array.isArray(ring)) config.problems.push(...ring.filter((problem) => !config.problems.includes(problem)));
  const secrets = config.problems.length === 0 && config.refreshSecret ? await loadSecrets(config.refreshSecret, config.previousRefreshSecret) : null;
  if (config.problems.length > 0) logEvent("error", "config_unusable", { problems: config.problems });
  return { config, keys, secrets };
}

// An isolate gets the same env object on every request: it is looked up by identity first, so
// the fingerprint (which stringifies the keys and secrets) is computed once per env object.
const preparedByEnv = new WeakMap<object, Promise<Prepared>>();

export function preparedFor(env: Env): Promise<Prepared> {
  const known = preparedByEnv.get(env);
  if (known) return known;
  const raw = env as unknown as Record<string, unknown>;
  const fingerprint = JSON.stringify(CONFIG_NAMES.map((name) => raw[name] ?? null));
  let entry = prepared.get(fingerprint);
  if (!entry) {
    if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value!);
    entry = prepare(raw);
    prepared.set(fingerprint, entry);
  }
  preparedByEnv.set(env, entry);
  return entry;
}

export function defaultStores(env: Env): AllStores {
  const hot = withReadCache({ users: d1UserStore(env.DB), sessions: kvSessionStore(env.AUTH_KV) });
  return {
    ...hot,
    sessionIndex: d1SessionIndex(env.DB),
    commonPasswords: d1CommonPasswords(env.DB),
    attempts: d1LoginAttemptStore(env.DB),
    audit: d1AuditStore(env.DB),
    accounts: withUserInvalidation(d1AccountStore(env.DB)),
    directory: d1UserDirectory(env.DB),
    clients: d1ClientStore(env.DB),
    passkeys: d1PasskeyStore(env.DB),
    challenges: kvChallengeStore(env.AUTH_KV),
    mfa: d1MfaStore(env.DB),
  } as AllStores;
}

export async function buildRuntime(env: Env, options: RuntimeOptions = {}, clientIp: string | null = null): Promise<Runtime> {
  const { config, keys, secrets } = await preparedFor(env);
  const bound = boundTo(env);
  const stores: AllStores = options.stores ? ({ ...bound.stores, ...options.stores(env) } as AllStores) : bound.stores;
  const limits = options.rateLimits ? options.rateLimits(env) : bound.limits;
  return { config, keys, secrets, stores, limits, clientIp, now: options.clock ?? Date.now };
}

// The stores and limiters are stateless wrappers of the env's bindings (the read cache is
// module-level): built once per env object, not on every request, whose CPU they showed up in
// (a dozen store objects and every wrapped method, ~10 µs of a 0.1 ms authenticated GET).
const boundByEnv = new WeakMap<object, { stores: AllStores; limits: RateLimits }>();

function boundTo(env: Env): { stores: AllStores; limits: RateLimits } {
  let bound = boundByEnv.get(env);
  if (!bound) boundByEnv.set(env, (bound = { stores: defaultStores(env), limits: bindingRateLimits(env) }));
  return bound;
}

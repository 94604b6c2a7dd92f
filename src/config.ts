// Typed, validated configuration read from the Worker's env. It fails closed: a problem is
// collected into `problems`, and every token-issuing route and /healthz then answer 503.
import { unavailable } from "./errors";
import { readWebAuthnConfig, type WebAuthnConfig } from "./passkeys/relying-party";

export type SigningAlgorithm = "RS256" | "ES256" | "EdDSA" | "HS256";
export type PasswordAlgorithm = "pbkdf2_sha256" | "pbkdf2_sha512";

/** Production Workers reject PBKDF2 above 100,000 iterations (local workerd does not). */
export const PBKDF2_MAX_ITERATIONS = 100_000;

export interface Config {
  environment: "development" | "production";
  /** Empty only when `issuerFromRequest`: then each request's origin fills it in (http/dev-issuer.ts). */
  issuer: string;
  /** Development without ISSUER: the issuer is the origin the worker is reached at (any port). */
  issuerFromRequest: boolean;
  audience: string;
  algorithm: SigningAlgorithm;
  accessTtl: number;
  refreshIdleTtl: number;
  /** Cookie sessions (seeds 000, 004): idle lifetime, slid forward as the session is used. */
  sessionIdleTtl: number;
  /** Per-profile token lifetimes where a seed documents its own defaults (docs/profiles.md). */
  simpleJwt: { accessTtl: number; refreshTtl: number };
  bearerAccessTtl: number;
  sessionMaxAge: number;
  reuseInterval: number;
  allowedOrigins: string[];
  profiles: Set<string> | "all";
  registration: "open" | "closed";
  password: { algorithm: PasswordAlgorithm; iterations: number; pepper?: string };
  /** strict: Django's validators; basic: length only (NIST minimum), for migrated clients. */
  passwordPolicy: "strict" | "basic";
  signingKeysJson?: string;
  activeKid?: string;
  hsSecret?: string;
  refreshSecret?: string;
  /** The secret before the last rotation: what it MAC'd is still accepted, nothing new is made with it. */
  previousRefreshSecret?: string;
  /** audit_events rows older than this many days are deleted by the scheduled retention run. */
  auditRetentionDays: number;
  /** REQUIRE_VERIFIED_EMAIL: login refuses an account whose email is not verified (after the password check). */
  requireVerifiedEmail: boolean;
  /**
   * MFA_PROFILES: "refuse" (default) answers a user with a second factor 401 in a profile's dialect,
   * which cannot ask for the second step; "allow" lets such users log in there with the password
   * alone, the operator's explicit choice (docs/mfa.md, "Profiles").
   */
  mfaProfiles: "refuse" | "allow";
  /** How reset and verification messages leave; see readDelivery. */
  delivery: Delivery;
  /** APP_URL: the front end that receives the links in messages (unset: see delivery/message.ts). */
  appUrl: string | null;
  /** DEMO_PAGE: whether `/` serves the demo app (public/index.html); unset, only in development. */
  demoPage: boolean;
  /** WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS (passkeys/relying-party.ts); only the passkey routes depend on it. */
  webauthn: WebAuthnConfig;
  /** Everything that makes the service unusable; empty when healthy. */
  problems: string[];
}

/**
 * webhook: DELIVERY_WEBHOOK_URL and DELIVERY_WEBHOOK_SECRET are set and well-formed. log: neither
 * is set in development, so messages go to the log. unusable: the routes that send messages answer
 * 503 naming `setting` (only they: logins and refreshes do not need the hook).
 */
export type Delivery = { kind: "webhook"; url: string; secret: string } | { kind: "log" } | { kind: "unusable"; setting: string; problem: string };

type RawEnv = Partial<Record<string, unknown>>;

function text(env: RawEnv, name: string): string | undefined {
  const value = env[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function seconds(env: RawEnv, name: string, fallback: number, problems: string[], unit = "seconds"): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    problems.push(`${name} must be a positive whole number of ${unit}`);
    return fallback;
  }
  return value;
}

function oneOf<T extends string>(env: RawEnv, name: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const raw = text(env, name) ?? fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${name} must be one of ${allowed.join(", ")}`);
  return fallback;
}

function isAbsoluteUrl(value: string): boolean {
  try {
    return Boolean(new URL(value).protocol);
  } catch {
    return false;
  }
}

function byteLength(value: string): number {
  return new TextEncoder().encode(value).byteLength;
}

/** Standard Webhooks secrets are `whsec_` and the base64 of the key bytes. */
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/;

function readDelivery(env: RawEnv, dev: boolean): Delivery {
  const url = text(env, "DELIVERY_WEBHOOK_URL");
  const secret = text(env, "DELIVERY_WEBHOOK_SECRET");
  if (!url && !secret) return dev ? { kind: "log" } : { kind: "unusable", setting: "DELIVERY_WEBHOOK_URL", problem: "DELIVERY_WEBHOOK_URL is not set" };
  if (!url) return { kind: "unusable", setting: "DELIVERY_WEBHOOK_URL", problem: "DELIVERY_WEBHOOK_URL is not set (DELIVERY_WEBHOOK_SECRET is)" };
  // The messages carry reset tokens: only development may post them over plain http (a local receiver).
  if (!isAbsoluteUrl(url) || !(new URL(url).protocol === "https:" || (dev && new URL(url).protocol === "http:"))) {
    return { kind: "unusable", setting: "DELIVERY_WEBHOOK_URL", problem: "DELIVERY_WEBHOOK_URL must be an https URL" };
  }
  if (!secret || !WEBHOOK_SECRET.test(secret)) {
    return { kind: "unusable", setting: "DELIVERY_WEBHOOK_SECRET", problem: "DELIVERY_WEBHOOK_SECRET must be whsec_ followed by the base64 of at least 16 bytes" };
  }
  return { kind: "webhook", url, secret };
}

export function readConfig(env: RawEnv): Config {
  const problems: string[] = [];
  const environment = text(env, "ENVIRONMENT") === "development" ? "development" : "production";
  const dev = environment === "development";
  const algorithm = oneOf(env, "JWT_ALGORITHM", ["RS256", "ES256", "EdDSA", "HS256"] as const, "RS256", problems);

  const issuer = text(env, "ISSUER") ?? "";
  const issuerFromRequest = dev && !issuer;
  const audience = text(env, "AUDIENCE") ?? (dev ? "edge-auth-local" : "");
  if (issuer && !isAbsoluteUrl(issuer)) problems.push("ISSUER must be an absolute URL");
  else if (!issuer && !issuerFromRequest) problems.push("ISSUER is empty");
  if (!audience) problems.push("AUDIENCE is empty");

  const hsSecret = text(env, "JWT_SECRET_KEY");
  const signingKeysJson = text(env, "SIGNING_KEYS");
  if (algorithm === "HS256") {
    // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
    if (!hsSecret) problems.push("JWT_SECRET_KEY is required when JWT_ALGORITHM is HS256");
    else if (byteLength(hsSecret) < 32) problems.push("JWT_SECRET_KEY must be at least 32 bytes");
  } else if (!signingKeysJson) {
    problems.push("SIGNING_KEYS is missing");
  }

  const refreshSecret = text(env, "REFRESH_TOKEN_SECRET");
  if (!refreshSecret) problems.push("REFRESH_TOKEN_SECRET is missing");
  else if (byteLength(refreshSecret) < 32) problems.push("REFRESH_TOKEN_SECRET must be at least 32 bytes");
  const previousRefreshSecret = text(env, "REFRESH_TOKEN_SECRET_PREVIOUS");
  if (previousRefreshSecret && byteLength(previousRefreshSecret) < 32) problems.push("REFRESH_TOKEN_SECRET_PREVIOUS must be at least 32 bytes");

  const passwordAlgorithm = oneOf(env, "PASSWORD_HASH", ["pbkdf2_sha512", "pbkdf2_sha256"] as const, "pbkdf2_sha512", problems);
  const iterations = seconds(env, "PASSWORD_ITERATIONS", PBKDF2_MAX_ITERATIONS, problems);
  if (iterations > PBKDF2_MAX_ITERATIONS) problems.push(`PASSWORD_ITERATIONS above ${PBKDF2_MAX_ITERATIONS} is rejected by production Workers`);
  // Parsed once: it sets two lifetimes, and a bad value is one problem.
  const jwtExpiration = text(env, "JWT_EXPIRATION") === undefined ? undefined : seconds(env, "JWT_EXPIRATION", 300, problems);

  const appUrl = text(env, "APP_URL")?.replace(/\/+$/, "") ?? null;
  if (appUrl !== null && !isAbsoluteUrl(appUrl)) problems.push("APP_URL must be an absolute URL");

  const profilesRaw = text(env, "PROFILES") ?? "all";
  return {
    environment,
    issuer,
    issuerFromRequest,
    audience,
    algorithm,
    // JWT_EXPIRATION is seed 002's variable: unset, the native API keeps 5 minutes and profile 002
    // its documented 3600 s; set, it applies to both.
    accessTtl: jwtExpiration ?? 300,
    bearerAccessTtl: jwtExpiration ?? 3600,
    refreshIdleTtl: seconds(env, "REFRESH_TOKEN_EXPIRATION", 14 * 86_400, problems),
    sessionIdleTtl: seconds(env, "SESSION_IDLE_TIMEOUT", 14 * 86_400, problems),
    simpleJwt: {
      accessTtl: seconds(env, "SIMPLEJWT_ACCESS_TOKEN_LIFETIME", 300, problems),
      refreshTtl: seconds(env, "SIMPLEJWT_REFRESH_TOKEN_LIFETIME", 86_400, problems),
    },
    sessionMaxAge: seconds(env, "SESSION_MAX_AGE", 30 * 86_400, problems),
    reuseInterval: seconds(env, "REFRESH_REUSE_INTERVAL", 10, problems),
    allowedOrigins: (text(env, "ALLOWED_ORIGINS") ?? "").split(",").map((o) => o.trim()).filter(Boolean),
    profiles: profilesRaw === "all" ? "all" : new Set(profilesRaw.split(",").map((p) => p.trim()).filter(Boolean)),
    registration: oneOf(env, "REGISTRATION", ["open", "closed"] as const, "open", problems),
    password: { algorithm: passwordAlgorithm, iterations: Math.min(iterations, PBKDF2_MAX_ITERATIONS), pepper: text(env, "PASSWORD_PEPPER") },
    passwordPolicy: oneOf(env, "PASSWORD_POLICY", ["strict", "basic"] as const, "strict", problems),
    signingKeysJson,
    activeKid: text(env, "ACTIVE_KID"),
    hsSecret,
    refreshSecret,
    previousRefreshSecret,
    auditRetentionDays: seconds(env, "AUDIT_RETENTION_DAYS", 90, problems, "days"),
    requireVerifiedEmail: oneOf(env, "REQUIRE_VERIFIED_EMAIL", ["false", "true"] as const, "false", problems) === "true",
    mfaProfiles: oneOf(env, "MFA_PROFILES", ["refuse", "allow"] as const, "refuse", problems),
    delivery: readDelivery(env, dev),
    appUrl,
    // The demo is a page to try the API with, not a product: on under `npm start`, and off in
    // production unless asked for, so a deployment does not grow a public sign-up page by accident.
    demoPage: oneOf(env, "DEMO_PAGE", ["true", "false"] as const, dev ? "true" : "false", problems) === "true",
    webauthn: readWebAuthnConfig(env, dev),
    problems,
  };
}

/** Throws 503 (and logs why, once per problem list) when the configuration cannot issue tokens. */
export function assertUsable(config: Config): void {
  if (config.problems.length > 0) {
    throw unavailable(`configuration unusable: ${config.problems.join("; ")}`);
  }
}

/** The longest access-token lifetime any API shape issues: revocation markers must outlive it. */
export function longestAccessTtl(config: Config): number {
  return Math.max(config.accessTtl, config.bearerAccessTtl, config.simpleJwt.accessTtl);
}

export function profileEnabled(config: Config, name: string): boolean {
  return config.profiles === "all" || config.profiles.has(name);
}

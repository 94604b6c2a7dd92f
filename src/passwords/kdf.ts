// Password hashing: PBKDF2 through WebCrypto, stored self-describing as
// `pbkdf2_sha512$100000$<salt>$<hash>` so parameters can be raised and old hashes rehashed on login.
import { PBKDF2_MAX_ITERATIONS, type PasswordAlgorithm } from "../config";
import { decodeBase64Url, encodeBase64Url, randomBytes, timingSafeEqual, utf8, importHmacKey } from "../crypto/bytes";

export interface KdfSettings {
  algorithm: PasswordAlgorithm;
  iterations: number;
  /** A server-side secret mixed in before the KDF; a stolen database alone then cracks nothing. */
  pepper?: string;
}

const HASH_OF: Record<PasswordAlgorithm, { name: string; bits: number }> = {
  pbkdf2_sha256: { name: "SHA-256", bits: 256 },
  pbkdf2_sha512: { name: "SHA-512", bits: 512 },
};

interface ParsedHash {
  algorithm: PasswordAlgorithm;
  iterations: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

export function parsePasswordHash(stored: string): ParsedHash | null {
  const [algorithm, iterationsText, saltText, hashText, ...rest] = stored.split("$");
  if (rest.length > 0 || algorithm === undefined || !Object.hasOwn(HASH_OF, algorithm)) return null;
  const iterations = Number(iterationsText);
  const salt = decodeBase64Url(saltText ?? "");
  const hash = decodeBase64Url(hashText ?? "");
  // A stored count above the platform cap could never be verified in production.
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS || !salt || !hash) return null;
  return { algorithm: algorithm as PasswordAlgorithm, iterations, salt, hash };
}

async function derive(password: string, salt: Uint8Array, algorithm: PasswordAlgorithm, iterations: number, pepper?: string): Promise<Uint8Array> {
  // NIST 800-63B §5.1.1.2: normalise Unicode so the same password typed on two keyboards matches.
  let input = utf8(password.normalize("NFC"));
  if (pepper) {
    const key = await importHmacKey(pepper);
    input = new Uint8Array(await crypto.subtle.sign("HMAC", key, input));
  }
  const material = await crypto.subtle.importKey("raw", input, "PBKDF2", false, ["deriveBits"]);
  const { name, bits } = HASH_OF[algorithm];
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: name, salt, iterations }, material, bits));
}

export async function hashPassword(password: string, settings: KdfSettings): Promise<string> {
  if (settings.iterations > PBKDF2_MAX_ITERATIONS) throw new RangeError("PBKDF2 iterations above the Workers cap");
  const salt = randomBytes(16);
  const hash = await derive(password, salt, settings.algorithm, settings.iterations, settings.pepper);
  return `${settings.algorithm}$${settings.iterations}$${encodeBase64Url(salt)}$${encodeBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string, pepper?: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.algorithm, parsed.iterations, pepper);
  return timingSafeEqual(candidate, parsed.hash);
}

/** CPU per iteration relative to SHA-256 (measured in workerd: 36 ms vs 11.5 ms per 100,000). */
const COST_PER_ITERATION: Record<PasswordAlgorithm, number> = { pbkdf2_sha256: 1, pbkdf2_sha512: 3 };
const costOf = (algorithm: PasswordAlgorithm, iterations: number) => iterations * COST_PER_ITERATION[algorithm];

/**
 * Verifies a login attempt at the cost of the current settings, so its timing tells nothing about
 * the account: `stored` null (unknown user) is checked against a dummy hash at the current
 * settings; a hash stored with cheaper parameters (the settings were raised since, and it is
 * rehashed at its next successful login) is padded with a throwaway derivation up to the current
 * cost. Every failure then costs max(stored, current): equal to an unknown user's unless the
 * settings were lowered, which leaves the costlier old hashes until their owners log in.
 */
export async function verifyAtCurrentCost(password: string, stored: string | null, settings: KdfSettings): Promise<boolean> {
  const parsed = stored === null ? null : parsePasswordHash(stored);
  if (!parsed) {
    await verifyPassword(password, dummyHash(settings), settings.pepper);
    return false;
  }
  const matches = timingSafeEqual(await derive(password, parsed.salt, parsed.algorithm, parsed.iterations, settings.pepper), parsed.hash);
  const missing = costOf(settings.algorithm, settings.iterations) - costOf(parsed.algorithm, parsed.iterations);
  if (missing > 0) await derive(password, parsed.salt, settings.algorithm, Math.ceil(missing / COST_PER_ITERATION[settings.algorithm]), settings.pepper);
  return matches;
}

export function needsRehash(stored: string, settings: KdfSettings): boolean {
  const parsed = parsePasswordHash(stored);
  return !parsed || parsed.algorithm !== settings.algorithm || parsed.iterations !== settings.iterations;
}

/**
 * A well-formed hash no password matches. Verifying against it costs what a real verify costs,
 * so an unknown user takes as long as a wrong password (no account enumeration by timing).
 */
export function dummyHash(settings: KdfSettings): string {
  const zeros = encodeBase64Url(new Uint8Array(HASH_OF[settings.algorithm].bits / 8));
  return `${settings.algorithm}$${settings.iterations}$${encodeBase64Url(new Uint8Array(16))}$${zeros}`;
}

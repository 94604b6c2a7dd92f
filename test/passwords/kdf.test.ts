import { describe, expect, it } from "vitest";
import { PBKDF2_MAX_ITERATIONS, readConfig } from "../../src/config";
import { dummyHash, hashPassword, needsRehash, parsePasswordHash, verifyPassword } from "../../src/passwords/kdf";
import { testEnv } from "../helpers";

const sha512 = { algorithm: "pbkdf2_sha512", iterations: 100_000 } as const;

describe("the production PBKDF2 cap", () => {
  it("is 100,000 iterations, and the default configuration stays at or under it", () => {
    // Production Workers throw NotSupportedError above 100,000; local workerd does not, so this pins it.
    expect(PBKDF2_MAX_ITERATIONS).toBe(100_000);
    const config = readConfig(testEnv as unknown as Record<string, unknown>);
    expect(config.password.iterations).toBeLessThanOrEqual(100_000);
    expect(config.password).toEqual({ algorithm: "pbkdf2_sha512", iterations: 100_000, pepper: undefined });
  });

  it("makes a configuration above the cap unusable instead of silently clamping it", () => {
    const config = readConfig({ ...testEnv, PASSWORD_ITERATIONS: "600000" } as unknown as Record<string, unknown>);
    expect(config.problems).toContain("PASSWORD_ITERATIONS above 100000 is rejected by production Workers");
  });

  it("refuses to hash above the cap and never accepts a stored hash above it", async () => {
    await expect(hashPassword("pw", { algorithm: "pbkdf2_sha256", iterations: 100_001 })).rejects.toThrow(RangeError);
    expect(parsePasswordHash("pbkdf2_sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$AAAA")).toBeNull();
  });
});

describe("self-describing hashes", () => {
  it("stores algorithm, iterations, a 16-byte salt and the hash", async () => {
    const stored = await hashPassword("correct horse", sha512);
    expect(stored).toMatch(/^pbkdf2_sha512\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(await verifyPassword("correct horse", stored)).toBe(true);
    expect(await verifyPassword("correct horsE", stored)).toBe(false);
  });

  it("salts every hash differently", async () => {
    const settings = { algorithm: "pbkdf2_sha256", iterations: 1000 } as const;
    expect(await hashPassword("same", settings)).not.toBe(await hashPassword("same", settings));
  });

  it("verifies an old SHA-256 hash and asks for a rehash when the parameters changed", async () => {
    const old = await hashPassword("pw-old-params", { algorithm: "pbkdf2_sha256", iterations: 1000 });
    expect(await verifyPassword("pw-old-params", old)).toBe(true);
    expect(needsRehash(old, sha512)).toBe(true);
    expect(needsRehash(await hashPassword("x", sha512), sha512)).toBe(false);
  });

  it("normalises Unicode (NFC) so composed and decomposed input match", async () => {
    const stored = await hashPassword("caf\u00e9-password", { algorithm: "pbkdf2_sha256", iterations: 1000 });
    expect(await verifyPassword("cafe\u0301-password", stored)).toBe(true);
  });

  it("mixes in the pepper: the same password without it does not verify", async () => {
    const stored = await hashPassword("peppered", { algorithm: "pbkdf2_sha256", iterations: 1000, pepper: "server-secret" });
    expect(await verifyPassword("peppered", stored, "server-secret")).toBe(true);
    expect(await verifyPassword("peppered", stored)).toBe(false);
  });

  it("never matches the dummy hash used for unknown users, which has real parameters", async () => {
    const dummy = dummyHash(sha512);
    expect(parsePasswordHash(dummy)).toMatchObject({ algorithm: "pbkdf2_sha512", iterations: 100_000 });
    expect(await verifyPassword("", dummy)).toBe(false);
  });

  it.each(["", "plain", "md5$1$a$b", "pbkdf2_sha512$x$AAAA$AAAA", "pbkdf2_sha512$1000$!!$AAAA", "pbkdf2_sha512$1000$AAAA$AAAA$extra"])(
    "treats the malformed stored value %j as a non-match",
    async (stored) => {
      expect(await verifyPassword("anything", stored)).toBe(false);
    },
  );
});

// HKDF purpose keys: each purpose has its own key, and a value made for one purpose (or under the
// raw secret, as before derivation) is worth nothing for another.
import { describe, expect, it } from "vitest";
import { hmac, importHmacKey } from "../../src/crypto/bytes";
import { loadSecrets, type Purpose } from "../../src/crypto/purpose-keys";
import { decodeRefreshToken, encodeRefreshToken, newRefreshSecret, newSessionId } from "../../src/tokens/refresh-token";

const SECRET = "s".repeat(32);
const PURPOSES: Purpose[] = ["refreshMac", "successor", "csrf", "identifierDigest"];
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

describe("purpose keys derived from REFRESH_TOKEN_SECRET", () => {
  it("differ for every purpose, from each other and from the raw secret", async () => {
    const secrets = await loadSecrets(SECRET);
    const raw = await importHmacKey(SECRET);
    const macs = await Promise.all([...PURPOSES.map((purpose) => hmac(secrets[purpose], "same message")), hmac(raw, "same message")]);
    expect(new Set(macs.map(hex)).size).toBe(PURPOSES.length + 1);
  });

  it("are stable for one secret (every isolate derives the same keys)", async () => {
    const [a, b] = await Promise.all([loadSecrets(SECRET), loadSecrets(SECRET)]);
    for (const purpose of PURPOSES) expect(hex(await hmac(a[purpose], "m"))).toBe(hex(await hmac(b[purpose], "m")));
  });

  it.each(PURPOSES.filter((p) => p !== "refreshMac"))("make a refresh-token MAC under the %s key worthless", async (purpose) => {
    const secrets = await loadSecrets(SECRET);
    const token = { sid: newSessionId(), generation: 0, secret: newRefreshSecret() };
    const misused = await encodeRefreshToken(secrets[purpose], token);
    expect(await decodeRefreshToken([secrets], misused)).toBeNull();
    expect(await decodeRefreshToken([secrets], await encodeRefreshToken(secrets.refreshMac, token))).toMatchObject(token);
  });

  it("accept, newest first, the current, previous and legacy (raw secret) key sets, and make with the current", async () => {
    const secrets = await loadSecrets(SECRET, "p".repeat(32));
    expect(secrets.accepted.map((keys) => keys.scheme)).toEqual(["derived", "derived", "legacy", "legacy"]);
    expect(secrets.accepted[0]!.refreshMac).toBe(secrets.refreshMac);
    expect((await loadSecrets(SECRET, SECRET)).accepted).toHaveLength(2);
  });
});

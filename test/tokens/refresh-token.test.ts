import { describe, expect, it } from "vitest";
import { loadSecrets } from "../../src/crypto/purpose-keys";
import { decodeRefreshToken, encodeRefreshToken, newRefreshSecret, newSessionId, successorOf } from "../../src/tokens/refresh-token";

const secrets = await loadSecrets("k".repeat(32));
const other = await loadSecrets("o".repeat(32));
const rotated = await loadSecrets("o".repeat(32), "k".repeat(32));
const current = [secrets];

describe("refresh tokens", () => {
  it("carry the session id and generation, and 256 bits of secret", async () => {
    const token = { sid: newSessionId(), generation: 0, secret: newRefreshSecret() };
    const encoded = await encodeRefreshToken(secrets.refreshMac, token);
    expect(encoded.startsWith(`${token.sid}.0.`)).toBe(true);
    expect(token.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await decodeRefreshToken(current, encoded)).toEqual({ ...token, keys: secrets });
  });

  it("refuse a token whose MAC does not verify: a made-up token naming a real session", async () => {
    const real = await encodeRefreshToken(secrets.refreshMac, { sid: newSessionId(), generation: 3, secret: newRefreshSecret() });
    const [sid, gen] = real.split(".");
    const forged = `${sid}.${gen}.${newRefreshSecret()}.${real.split(".")[3]}`;
    expect(await decodeRefreshToken(current, forged)).toBeNull();
    expect(await decodeRefreshToken(other.accepted, real)).toBeNull();
  });

  it("derive one successor per token, the same every time", async () => {
    const token = { sid: newSessionId(), generation: 0, secret: newRefreshSecret(), keys: secrets };
    const a = await successorOf(token);
    const b = await successorOf(token);
    expect(a).toEqual(b);
    expect(a.generation).toBe(1);
    expect(a.secret).not.toBe(token.secret);
    expect(await successorOf({ ...token, keys: other })).not.toEqual(a);
  });

  it("derive the successor under the key set that verified the token, so both sides of a rotation agree", async () => {
    const token = { sid: newSessionId(), generation: 4, secret: newRefreshSecret() };
    const encoded = await encodeRefreshToken(secrets.refreshMac, token);
    const beforeRotation = await decodeRefreshToken(secrets.accepted, encoded);
    const afterRotation = await decodeRefreshToken(rotated.accepted, encoded);
    expect(afterRotation?.keys).toBe(rotated.accepted[1]);
    expect(await successorOf(afterRotation!)).toEqual(await successorOf(beforeRotation!));
  });

  it.each(["", "a.b.c.d", "x".repeat(200), "AAAAAAAAAAAAAAAAAAAAAA.01.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])(
    "reject the malformed token %j",
    async (presented) => {
      expect(await decodeRefreshToken(current, presented)).toBeNull();
    },
  );
});

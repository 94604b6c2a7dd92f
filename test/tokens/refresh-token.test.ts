import { describe, expect, it } from "vitest";
import { importHmacKey } from "../../src/crypto/bytes";
import { decodeRefreshToken, encodeRefreshToken, newRefreshSecret, newSessionId, successorOf } from "../../src/tokens/refresh-token";

const key = await importHmacKey("k".repeat(32));
const otherKey = await importHmacKey("o".repeat(32));

describe("refresh tokens", () => {
  it("carry the session id and generation, and 256 bits of secret", async () => {
    const token = { sid: newSessionId(), generation: 0, secret: newRefreshSecret() };
    const encoded = await encodeRefreshToken(key, token);
    expect(encoded.startsWith(`${token.sid}.0.`)).toBe(true);
    expect(token.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await decodeRefreshToken(key, encoded)).toEqual(token);
  });

  it("refuse a token whose MAC does not verify: a made-up token naming a real session", async () => {
    const real = await encodeRefreshToken(key, { sid: newSessionId(), generation: 3, secret: newRefreshSecret() });
    const [sid, gen] = real.split(".");
    const forged = `${sid}.${gen}.${newRefreshSecret()}.${real.split(".")[3]}`;
    expect(await decodeRefreshToken(key, forged)).toBeNull();
    expect(await decodeRefreshToken(otherKey, real)).toBeNull();
  });

  it("derive one successor per token, the same every time", async () => {
    const token = { sid: newSessionId(), generation: 0, secret: newRefreshSecret() };
    const a = await successorOf(key, token);
    const b = await successorOf(key, token);
    expect(a).toEqual(b);
    expect(a.generation).toBe(1);
    expect(a.secret).not.toBe(token.secret);
    expect(await successorOf(otherKey, token)).not.toEqual(a);
  });

  it.each(["", "a.b.c.d", "x".repeat(200), "AAAAAAAAAAAAAAAAAAAAAA.01.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])(
    "reject the malformed token %j",
    async (presented) => {
      expect(await decodeRefreshToken(key, presented)).toBeNull();
    },
  );
});

// Size limits hold before any work: an oversized body (413) or field (400) is refused without
// hashing a password, reading storage or echoing what was sent.
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, realApp, testEnv } from "../helpers";

const request = (path: string, init?: RequestInit) => realApp.request(path, init, testEnv);
afterEach(() => vi.restoreAllMocks());

describe("body and field limits", () => {
  it.each([
    ["/auth/register", { username: "u".repeat(151), password: "correct horse battery staple" }, { username: "Ensure this field has no more than 150 characters." }],
    // U+3300 (SQUARE APAATO) is one character that NFKC turns into four: the stored form is what counts.
    ["/auth/register", { username: "\u3300".repeat(40), password: "correct horse battery staple" }, { username: "Ensure this field has no more than 150 characters." }],
    ["/auth/register", { username: "fine", email: `${"e".repeat(250)}@x.io`, password: "correct horse battery staple" }, { email: "Ensure this field has no more than 254 characters." }],
    ["/auth/register", { username: "fine", password: "p".repeat(1025) }, { password: "Ensure this field has no more than 1024 bytes." }],
    ["/auth/login", { identifier: "i".repeat(255), password: "whatever it is" }, { identifier: "Ensure this field has no more than 254 characters." }],
    ["/auth/login", { username: "someone", password: "ü".repeat(513) }, { password: "Ensure this field has no more than 1024 bytes." }],
    ["/auth/refresh", { refresh_token: "r".repeat(8193) }, { refresh_token: "Ensure this field has no more than 8192 characters." }],
  ])("%s refuses an oversized field with 400 before any hashing", async (path, body, fields) => {
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    const response = await request(path, json(body));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: "invalid_request", error_description: "The request has invalid fields.", fields });
    expect(text).not.toContain("pppppppp");
    expect(deriveBits).not.toHaveBeenCalled();
  });

  it("refuses a body over 64 KiB with 413 even when Content-Length is not sent", async () => {
    const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
    const chunks = new TextEncoder().encode(JSON.stringify({ username: "a", password: "x".repeat(70_000) }));
    const body = new ReadableStream({ start: (c) => (c.enqueue(chunks), c.close()) });
    const response = await request("/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "payload_too_large", error_description: "The request body is larger than 65536 bytes." });
    expect(deriveBits).not.toHaveBeenCalled();
  });
});

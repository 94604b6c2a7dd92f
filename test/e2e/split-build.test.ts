// The build `npm run deploy` uploads (scripts/build/worker.mjs: esbuild code splitting, the second
// factor's routes in chunks loaded on first use) run as it is, unbundled: `wrangler dev --no-bundle
// dist/worker/index.js`. Every other e2e file runs the sources bundled by wrangler; this one proves
// the split modules load and answer: the entry (register, login), the TOTP chunk (enroll, confirm,
// the second step by recovery code) and the passkeys chunk (list, remove).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type RunningWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "correct horse battery staple";
let worker: RunningWorker;

async function call(pathname: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const response = await fetch(`${worker.url}${pathname}`, {
    method: init.method ?? "POST",
    headers: { ...(init.body === undefined ? {} : { "Content-Type": "application/json" }), ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** The current RFC 6238 code, from the docs' independent node:crypto generator. */
const totpCode = (secret: string) => execFileSync(process.execPath, ["docs/examples/totp-code.mjs", secret], { cwd: root, encoding: "utf8" }).trim();

beforeAll(async () => {
  worker = await startWorker({}, {}, ["--no-bundle", "dist/worker/index.js"]);
}, 120_000);
afterAll(() => worker?.stop());

describe("the split build, unbundled", () => {
  it("is what wrangler dev runs: the entry and its chunks, attached as modules", () => {
    expect(worker.logs()).toMatch(/chunks\/mfa-[\w-]+\.js/);
    expect(worker.logs()).toMatch(/chunks\/passkeys-[\w-]+\.js/);
  });

  it("serves the entry, then loads the TOTP chunk: enroll, confirm, a login's second step", async () => {
    const registered = await call("/auth/register", { body: { username: "splitter", password: PASSWORD } });
    expect(registered.status).toBe(201);
    const token = registered.body.access_token as string;

    const enrolled = await call("/auth/mfa/totp/enroll", { token });
    expect(enrolled.status).toBe(200);
    expect(Object.keys(enrolled.body).sort()).toEqual(["otpauth_uri", "qr_svg", "secret"]);
    expect(enrolled.body.qr_svg).toMatch(/^<svg /);

    const confirmed = await call("/auth/mfa/totp/confirm", { token, body: { code: totpCode(enrolled.body.secret) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recovery_codes).toHaveLength(10);

    const login = await call("/auth/login", { body: { username: "splitter", password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ mfa_required: true, mfa_token: expect.any(String), factors: ["totp", "recovery_code"] });
    const verified = await call("/auth/mfa/verify", { body: { mfa_token: login.body.mfa_token, recovery_code: confirmed.body.recovery_codes[0] } });
    expect(verified.status).toBe(200);
    expect(verified.body.user.username).toBe("splitter");
    expect(verified.body.token_type).toBe("Bearer");
  });

  it("loads the passkeys chunk: the list and an unknown passkey's removal", async () => {
    const registered = await call("/auth/register", { body: { username: "keyless", password: PASSWORD } });
    const token = registered.body.access_token as string;
    expect(await call("/auth/passkeys", { method: "GET", token })).toEqual({ status: 200, body: { passkeys: [] } });
    expect(await call("/auth/passkeys/unknown", { method: "DELETE", token })).toEqual({
      status: 404,
      body: { error: "not_found", error_description: "No such passkey." },
    });
  });
});

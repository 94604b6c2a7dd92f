// Key rotation without hand-editing JSON: `npm run keys -- add|activate|retire` on a .dev.vars-style
// file (here a copy), and `--set` on a bare JWK set file for production. The rotated set then runs:
// a worker started with it publishes both keys and signs with the new one under its own alg.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper shared with the dev scripts
import { generateSigningKey } from "../../scripts/keys.mjs";
import { startWorker } from "./worker";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "edge-auth-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keys = (...args: string[]) => spawnSync("npm", ["run", "-s", "keys", "--", ...args], { cwd: root, encoding: "utf8" });
const read = (file: string) => Object.fromEntries(readFileSync(file, "utf8").split("\n").filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
const kids = (set: string) => (JSON.parse(set).keys as { kid: string; alg: string }[]).map((k) => `${k.kid} ${k.alg}`);

describe("npm run keys on a .dev.vars file", () => {
  const first = generateSigningKey("RS256");
  const file = path.join(dir, "dev.vars");
  writeFileSync(file, `ENVIRONMENT=development\nSIGNING_KEYS=${JSON.stringify({ keys: [first] })}\nACTIVE_KID=${first.kid}\nJWT_ALGORITHM=RS256\nREFRESH_TOKEN_SECRET=x\n`);
  let added = "";

  it("add: appends a new key, prints only its kid, and leaves the active key as it was", () => {
    const run = keys("add", "ES256", "--file", file);
    expect(run.status, run.stderr).toBe(0);
    added = run.stdout.trim();
    expect(added).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const vars = read(file);
    expect(kids(vars.SIGNING_KEYS!)).toEqual([`${first.kid} RS256`, `${added} ES256`]);
    expect([vars.ACTIVE_KID, vars.JWT_ALGORITHM, vars.REFRESH_TOKEN_SECRET]).toEqual([first.kid, "RS256", "x"]);
    expect(keys("list", "--file", file).stdout).toBe(`${first.kid} RS256 active\n${added} ES256\n`);
  });

  it("activate: sets ACTIVE_KID and JWT_ALGORITHM to the key's alg together", () => {
    const run = keys("activate", added, "--file", file);
    expect(run.status, run.stderr).toBe(0);
    expect([read(file).ACTIVE_KID, read(file).JWT_ALGORITHM]).toEqual([added, "ES256"]);
  });

  it("the rotated set runs: both keys published, the new one signs with ES256", async () => {
    const vars = read(file);
    const worker = await startWorker({ SIGNING_KEYS: vars.SIGNING_KEYS!, ACTIVE_KID: vars.ACTIVE_KID!, JWT_ALGORITHM: vars.JWT_ALGORITHM! });
    try {
      const jwks = (await (await fetch(`${worker.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; alg: string; d?: string }[] };
      expect(jwks.keys.map((k) => `${k.kid} ${k.alg}${k.d ? " private!" : ""}`)).toEqual([`${first.kid} RS256`, `${added} ES256`]);
      const registered = await fetch(`${worker.url}/auth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: `keys${Date.now()}`, password: "correct horse battery staple" }) });
      expect(registered.status).toBe(201);
      const { access_token } = (await registered.json()) as { access_token: string };
      expect(JSON.parse(Buffer.from(access_token.split(".")[0]!, "base64url").toString())).toEqual({ alg: "ES256", typ: "at+jwt", kid: added });
    } finally {
      await worker.stop();
    }
  });

  it("retire: refuses the active key, removes an old one", () => {
    const before = readFileSync(file, "utf8");
    const refused = keys("retire", added, "--file", file);
    expect([refused.status, refused.stderr.trim()]).toEqual([1, `keys: ${added} is the active key; activate another one first`]);
    expect(readFileSync(file, "utf8")).toBe(before);
    const run = keys("retire", first.kid, "--file", file);
    expect(run.status, run.stderr).toBe(0);
    expect(kids(read(file).SIGNING_KEYS!)).toEqual([`${added} ES256`]);
  });

  it("names an unknown kid and an unknown algorithm instead of guessing", () => {
    const unknown = keys("activate", "nope", "--file", file);
    expect([unknown.status, unknown.stderr.trim()]).toEqual([1, `keys: no key nope in ${file}; known: ${added}`]);
    const badAlg = keys("add", "HS256", "--file", file);
    expect([badAlg.status, badAlg.stderr.trim()]).toEqual([1, "keys: unsupported algorithm HS256; use RS256, ES256 or EdDSA"]);
  });
});

describe("npm run keys -- --set FILE (production: a set kept outside Cloudflare)", () => {
  it("adds to and retires from a JWK set file", () => {
    const file = path.join(dir, "signing-keys.json");
    const first = keys("add", "EdDSA", "--set", file).stdout.trim();
    const second = keys("add", "RS256", "--set", file).stdout.trim();
    expect(kids(readFileSync(file, "utf8"))).toEqual([`${first} EdDSA`, `${second} RS256`]);
    const retired = keys("retire", first, "--set", file);
    expect(retired.status, retired.stderr).toBe(0);
    expect(kids(readFileSync(file, "utf8"))).toEqual([`${second} RS256`]);
  });

  it("activating in a JWK set file prints the exact wrangler commands for production", () => {
    const file = path.join(dir, "activate-set.json");
    const kid = keys("add", "ES256", "--set", file).stdout.trim();
    const run = keys("activate", kid, "--set", file);
    expect([run.status, run.stderr.trim().split("\n")]).toEqual([0, [
      `keys: wrote ${file}; deploy it with: npx wrangler secret put SIGNING_KEYS < ${file}`,
      `keys: then, in one deployment: printf %s ${kid} | npx wrangler secret put ACTIVE_KID`,
      `keys: and JWT_ALGORITHM = "ES256" in wrangler.toml [vars], then npx wrangler deploy`,
      `keys: ${kid} (ES256) signs once that is deployed; keep the old key until its tokens have expired, then retire it.`,
    ]]);
  });

  it("--help prints every command", () => {
    const run = keys("--help");
    expect(run.status).toBe(0);
    for (const command of ["list", "add [RS256|ES256|EdDSA]", "activate <kid>", "retire <kid>", "--set PATH"]) expect(run.stdout).toContain(command);
  });

  it("still prints a one-key set for a first deployment: node scripts/keygen.mjs ES256", () => {
    const run = spawnSync(process.execPath, ["scripts/keygen.mjs", "ES256"], { cwd: root, encoding: "utf8" });
    expect(kids(run.stdout)).toEqual([expect.stringMatching(/ ES256$/)]);
    expect(JSON.parse(run.stdout).keys[0].d).toEqual(expect.any(String));
  });
});

// `npm run bench -- --quick` end to end (issue 6: the quick mode's results.json has every field for
// both sides). Nothing here is about speed: no timed assertion, no threshold on a figure; the
// targets' verdicts are recorded in results.json, not asserted.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const out = mkdtempSync(path.join(tmpdir(), "edge-auth-bench-quick-"));
let run: ReturnType<typeof spawnSync>;
let results: any;

const phase = {
  connections: expect.any(Number),
  seconds: expect.any(Number),
  requests: expect.any(Number),
  rps: expect.any(Number),
  p50_ms: expect.any(Number),
  p99_ms: expect.any(Number),
  max_ms: expect.any(Number),
  errors: 0,
  error_kinds: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
  cpu_ms_per_request: expect.any(Number),
};
const one = { c1: { ...phase, connections: 1 } };
const both = { ...one, c50: { ...phase, connections: 50 } };
const OURS = ["login", "refresh", "me", "forward_auth", "jwks", "introspect"];
const check = { value: expect.any(Number), target: expect.any(String), met: expect.any(Boolean) };
// Issue 14's figures (bench/lib/startup.mjs), merged into results.ratios.
const STARTUP_RATIOS = { bundle_gzip_kib: check, cold_start_cpu_vs_hello: check, cold_start_wall_vs_hello: expect.any(Number), cold_start_over_runtime_cpu_vs_hello: expect.any(Number) };

beforeAll(() => {
  run = spawnSync(process.execPath, ["bench/run.mjs", "--quick", "--out", out], { cwd: root, encoding: "utf8", timeout: 420_000 });
  results = JSON.parse(readFileSync(path.join(out, "results.json"), "utf8"));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run bench -- --quick", () => {
  it("exits 0 and writes results.json, results.md and plot.svg", () => {
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/Error/) });
    const report = readFileSync(path.join(out, "results.md"), "utf8");
    expect(report).toContain("| scenario | side | conns | req/s | p50 ms | p99 ms | errors | CPU ms/req |");
    expect(report).toMatch(/\| forward auth \(GET \/auth\/verify\) \| edge-auth \| 50 \|/);
    expect(readFileSync(path.join(out, "plot.svg"), "utf8")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
  });

  it("measures login, refresh and the authenticated GET for both sides, plus our forward auth, JWKS and introspection", () => {
    expect(results.mode).toBe("quick");
    expect(results.sides.ours).toMatchObject({ kdf: "pbkdf2_sha512 (100000 iterations)", kdf_cpu_ms: expect.any(Number) });
    expect(results.sides.ours.scenarios).toEqual(Object.fromEntries(OURS.map((name) => [name, both])));
    expect(results.sides.peer).toMatchObject({ kdf: "pbkdf2_sha256 (260000 iterations)", kdf_cpu_ms: expect.any(Number), signing: "HS256 (SimpleJWT default)" });
    expect(results.sides.peer.scenarios).toEqual({ login: both, refresh: both, me: both });
    expect(results.sides.ours_pbkdf2_sha256).toMatchObject({ kdf: "pbkdf2_sha256 (100000 iterations)", kdf_cpu_ms: expect.any(Number) });
    expect(results.sides.ours_pbkdf2_sha256.scenarios).toEqual({ login: one });
    // Under wrangler dev in the recorded run and --smoke only (bench/run.mjs says why).
    expect(results.sides.ours_wrangler_dev).toBeUndefined();
  });

  it("measures Better Auth, the second peer, in the same workerd: sign-in, JWT mint, session GET, JWKS-verified GET", () => {
    expect(results.sides.better_auth).toMatchObject({
      versions: { better_auth: "1.7.25", jose: expect.any(String), kysely: expect.any(String) },
      kdf: expect.stringMatching(/^scrypt N=16384 r=16 p=1 dkLen=64 /),
      signing: expect.stringMatching(/^EdDSA Ed25519 /),
    });
    // Its login at 50 connections runs in the recorded run only (bench/run.mjs says why).
    expect(results.sides.better_auth.scenarios).toEqual({ login: one, token_mint: both, session_get: both, jwt_get: both });
    // Under wrangler dev it runs in the recorded run and --smoke, not here (bench/run.mjs says why).
    expect(results.sides.better_auth_wrangler_dev).toBeUndefined();
    const report = readFileSync(path.join(out, "results.md"), "utf8");
    expect(report).toMatch(/\| JWT mint \(GET \/api\/auth\/token\) \| Better Auth \| 50 \|/);
    expect(report).toMatch(/\| login \(pbkdf2_sha256\) \| edge-auth, PBKDF2-SHA-256 \| 1 \|/);
  });

  it("records the floors and every ratio with its target", () => {
    const kdf = (algorithm: string) => ({ algorithm, iterations: 100000, cpu_ms: expect.any(Number) });
    expect(results.floors).toEqual({
      kdf_configured: kdf("pbkdf2_sha512"),
      kdf_pbkdf2_sha256_100k: kdf("pbkdf2_sha256"),
      kdf_pbkdf2_sha512_100k: kdf("pbkdf2_sha512"),
      sign_cpu_ms: expect.any(Number),
      verify_cpu_ms: expect.any(Number),
      storage_cpu_ms: { kv_get: expect.any(Number), kv_put: expect.any(Number), d1_read: expect.any(Number), rate_limit: expect.any(Number) },
      hello: both,
      hello_post_json: { c50: { ...phase, connections: 50 } },
      kdf_under_load: both,
      refresh_work_under_load: both,
    });
    expect(results.ratios).toEqual({
      refresh_rps_vs_peer_c50: check,
      me_rps_vs_peer_c50: check,
      me_cpu_ms_per_request: check,
      forward_auth_cpu_vs_me_c50: check,
      login_cpu_vs_own_kdf_floor: check,
      introspect_cpu_vs_me_c50: check,
      errors_in_all_phases: { value: 0, target: "0", met: true },
      login_cpu_vs_own_kdf_floor_c50: expect.any(Number),
      login_cpu_c50_vs_sequential_kdf: expect.any(Number),
      login_rps_vs_peer_c50: expect.any(Number),
      login_cpu_vs_peer: expect.any(Number),
      kdf_cpu_vs_peer_kdf: expect.any(Number),
      refresh_cpu_vs_peer: expect.any(Number),
      me_cpu_vs_peer: expect.any(Number),
      refresh_floor_cpu_ms: expect.any(Number),
      refresh_cpu_vs_floor: check,
      refresh_rps_ceiling_vs_peer_c50: expect.any(Number),
      me_cpu_vs_hello_floor: expect.any(Number),
      login_cpu_vs_better_auth: check,
      login_cpu_pbkdf2_sha256_vs_better_auth: check,
      refresh_rps_vs_better_auth_token_mint_c50: check,
      me_rps_vs_better_auth_session_get_c50: check,
      me_rps_vs_better_auth_jwt_get_c50: check,
      refresh_rps_ceiling_vs_better_auth_token_mint_c50: expect.any(Number),
      refresh_cpu_vs_better_auth_token_mint_c50: expect.any(Number),
      me_cpu_vs_better_auth_session_get_c50: expect.any(Number),
      me_cpu_vs_better_auth_jwt_get_c50: expect.any(Number),
      ...Object.fromEntries(OURS.map((name) => [`p99_vs_hello_${name}_c50`, check])),
      p99_vs_same_work_login_c50: check,
      p99_vs_same_work_refresh_c50: check,
      p99_vs_same_work_introspect_c50: check,
      introspect_cpu_vs_me_plus_body_floor_c50: check,
      body_floor_vs_me_c50: expect.any(Number),
      ...STARTUP_RATIOS,
    });
  });

  it("reports every scenario's p99 beside a hello-world Worker's under the same load, and login's, refresh's and introspection's beside the same work's", () => {
    const tail = { p50_ms: expect.any(Number), p99_ms: expect.any(Number), hello_p50_ms: expect.any(Number), hello_p99_ms: expect.any(Number), p99_vs_hello: expect.any(Number), p50_vs_hello: expect.any(Number), tail_vs_hello: expect.any(Number) };
    // Login and refresh also beside the floor worker doing only their irreducible work under the same load.
    const sameWork = { ...tail, same_work_p50_ms: expect.any(Number), same_work_p99_ms: expect.any(Number), p99_vs_same_work: expect.any(Number) };
    // Introspection's same work (its POST body read) is measured at 50 connections only.
    const expected = (name: string, label: string) => (name === "login" || name === "refresh" || (name === "introspect" && label === "c50") ? sameWork : tail);
    expect(results.tail).toEqual({ hello: both, ours: Object.fromEntries(OURS.map((name) => [name, { c1: expected(name, "c1"), c50: expected(name, "c50") }])) });
    const report = readFileSync(path.join(out, "results.md"), "utf8");
    expect(report).toContain("| scenario | conns | p50 ms | p99 ms | hello p50 ms | hello p99 ms | p99 vs hello | p50 vs hello | tail vs hello |");
    expect(report).toContain("| scenario | conns | p50 ms | p99 ms | same work p50 ms | same work p99 ms | p99 vs same work |");
    expect(report).toMatch(/\| refresh \| 50 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|/);
  });

  it("records the bundle's size and the cold starts of ours, hello-world Hono and the bare runtime (issue 14)", () => {
    const bytes = { bundle_bytes: expect.any(Number), bundle_gzip_bytes: expect.any(Number), bundle_total_gzip_bytes: expect.any(Number), hello_bundle_bytes: expect.any(Number), hello_bundle_gzip_bytes: expect.any(Number) };
    expect(results.bundle).toEqual(bytes);
    const cold = { cold_start_cpu_ms: expect.any(Number), cold_start_wall_ms: expect.any(Number), startup_cpu_ms: expect.any(Number), first_request_cpu_ms: expect.any(Number), first_request_wall_ms: expect.any(Number) };
    expect(results.cold_start).toEqual({
      first_request: { ours: "GET /.well-known/jwks.json", hello: "GET /", runtime: "GET /" },
      samples: 3,
      ours: { ...cold, over_runtime_cpu_ms: expect.any(Number) },
      hello: { ...cold, over_runtime_cpu_ms: expect.any(Number) },
      runtime: cold,
    });
    expect(readFileSync(path.join(out, "results.md"), "utf8")).toContain("| script | cold start CPU ms | startup CPU ms | first request CPU ms |");
  });
});

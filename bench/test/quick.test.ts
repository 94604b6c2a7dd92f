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
  errors: 0,
  error_kinds: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
  cpu_ms_per_request: expect.any(Number),
};
const both = { c1: { ...phase, connections: 1 }, c50: { ...phase, connections: 50 } };
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
    expect(results.sides.ours.scenarios).toEqual({ login: both, refresh: both, me: both, forward_auth: both, jwks: both, introspect: both });
    expect(results.sides.peer).toMatchObject({ kdf: "pbkdf2_sha256 (260000 iterations)", kdf_cpu_ms: expect.any(Number), signing: "HS256 (SimpleJWT default)" });
    expect(results.sides.peer.scenarios).toEqual({ login: both, refresh: both, me: both });
    expect(Object.keys(results.sides.ours_wrangler_dev.scenarios)).toEqual(["login", "refresh", "me", "forward_auth", "jwks", "introspect"]);
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
      kdf_under_load: both,
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
      refresh_cpu_vs_floor: expect.any(Number),
      refresh_rps_ceiling_vs_peer_c50: expect.any(Number),
      me_cpu_vs_hello_floor: expect.any(Number),
      ...STARTUP_RATIOS,
    });
  });

  it("records the bundle's size and the cold starts of ours, hello-world Hono and the bare runtime (issue 14)", () => {
    const bytes = { bundle_bytes: expect.any(Number), bundle_gzip_bytes: expect.any(Number), hello_bundle_bytes: expect.any(Number), hello_bundle_gzip_bytes: expect.any(Number) };
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

#!/usr/bin/env node
// `npm test`: every suite, in order, and one closing line "N passed, N failed".
//   1. in-runtime tests inside workerd (vitest + @cloudflare/vitest-pool-workers)
//   2. end-to-end tests against the real worker over loopback (vitest, Node), with the doc tests
//      (test/docs: every README.md and docs/*.md shell block run against a worker)
//   3. the benchmark's quick run (bench/test/)
// Exits non-zero when any test fails or a suite cannot run.
import { spawnSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDebianPackages } from "./system-deps.mjs";
import { BENCH_PACKAGES } from "../bench/lib/peer-simplejwt.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const reports = mkdtempSync(path.join(tmpdir(), "edge-auth-test-"));
const vitest = path.join(root, "node_modules", ".bin", "vitest");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

const suites = [
  { name: "workerd", args: ["run"] },
  // python3-jwt + python3-cryptography (only "Recommends" in Debian): PyJWT with RSA/EC/EdDSA.
  // curl, python3-requests, golang-go, chromium: the seeds' own examples (test/seeds/).
  // nginx, caddy: the real gateways in front of forward auth (test/e2e/gateways.test.ts).
  {
    name: "e2e",
    args: ["run", "--config", "vitest.e2e.config.ts"],
    packages: ["python3-jwt", "python3-cryptography", "curl", "python3-requests", "golang-go", "chromium", "nginx", "caddy"],
  },
  // `npm run bench -- --quick` (2–3 s phases) and its results.json; the peer and wrk come from apt.
  { name: "bench", args: ["run", "--config", "vitest.bench.config.ts"], packages: BENCH_PACKAGES },
];
const only = process.argv.slice(2);

// The packages and generated assets the suites test (scripts/build.mjs), built once up front.
const built = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs")], { cwd: root, env, stdio: "inherit" });
if (built.status !== 0) {
  console.log("\n0 passed, 0 failed\nthe build failed (scripts/build.mjs)");
  process.exit(1);
}

let passed = 0;
let failed = 0;
let broken = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  console.log(`\n=== ${suite.name} tests ===`);
  try {
    ensureDebianPackages(suite.packages ?? []);
  } catch (error) {
    console.error(error.message);
    broken.push(`${suite.name} (missing system packages)`);
    continue;
  }
  const report = path.join(reports, `${suite.name}.json`);
  const run = spawnSync(vitest, [...suite.args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], { cwd: root, env, stdio: "inherit" });
  try {
    const result = JSON.parse(readFileSync(report, "utf8"));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    if (run.status !== 0 && result.numFailedTests === 0) broken.push(`${suite.name} (exit ${run.status})`);
    if (result.numTotalTests === 0) broken.push(`${suite.name} (no tests ran)`);
  } catch {
    broken.push(`${suite.name} (no report; exit ${run.status})`);
  }
}
if (broken.length) console.log(`suites that did not run cleanly: ${broken.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || broken.length > 0 ? 1 : 0);

// docs/performance.md shows the newest recorded run, and the README's short Performance section links the same one
// (issue 6, "How it is shown"): it links that run's results.md and plot, bench/results/latest.json is a copy of its results.json,
// and the table's req/s and errors are that run's. Reads files only; nothing runs or is timed.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const performance = readFileSync(path.join(root, "docs/performance.md"), "utf8");
const linked = /Latest recorded run \(\[bench\/results\/([^/\]]+)\/results\.md\]/.exec(performance)?.[1];

const SCENARIOS: Record<string, string> = { login: "login", "refresh (rotating)": "refresh", "authenticated GET": "me", JWKS: "jwks" };
const SIDES: Record<string, string> = { "edge-auth": "ours", SimpleJWT: "peer" };

describe("docs/performance.md", () => {
  it("links the newest recorded run, its results.md and its plot", () => {
    expect(linked).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    const dir = path.join(root, "bench/results", linked!);
    expect([existsSync(path.join(dir, "results.md")), existsSync(path.join(dir, "plot.svg"))]).toEqual([true, true]);
    expect(performance).toContain(`](../bench/results/${linked}/plot.svg)`);
    const latest = JSON.parse(readFileSync(path.join(root, "bench/results/latest.json"), "utf8"));
    expect(latest).toEqual(JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8")));
  });

  it("is the run the README's Performance section links", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Performance\n"), readme.indexOf("\n## Documentation\n"));
    expect(section).toContain(`](bench/results/${linked}/results.md)`);
  });

  it("shows that run's bundle, cold start and throughput in the README's Performance section", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Performance\n"), readme.indexOf("\n## Documentation\n"));
    const results = JSON.parse(readFileSync(path.join(root, "bench/results", linked!, "results.json"), "utf8"));
    const rps = (side: string, scenario: string) => Math.round(results.sides[side].scenarios[scenario].c50.rps).toLocaleString("en-US");
    const rows = Object.fromEntries(section.split("\n").filter((line) => line.startsWith("| ")).map((line) => [line.split("|")[1]!.trim(), line]));
    expect({
      bundle: rows["production bundle, gzipped (what a new isolate loads)"]!.includes(`| ${(results.bundle.bundle_gzip_bytes / 1024).toFixed(1)} KiB |`),
      coldStart: rows["cold start in workerd, CPU"]!.includes(`| ${results.ratios.cold_start_cpu_vs_hello.value.toFixed(2)}× hello-world Hono's |`),
      refresh: rows["refresh with rotation (its JWT mint), req/s at 50 connections"]!.endsWith(`| ${rps("ours", "refresh")} | ${rps("better_auth", "token_mint")} | ${rps("peer", "refresh")} |`),
      get: rows["authenticated GET, req/s at 50 connections (CPU per request)"]!.includes(`| ${rps("ours", "me")} (`),
    }).toEqual({ bundle: true, coldStart: true, refresh: true, get: true });
  });

  it("shows that run's req/s and errors in its table", () => {
    const results = JSON.parse(readFileSync(path.join(root, "bench/results", linked!, "results.json"), "utf8"));
    const rows = performance.split("\n").filter((line) => /^\| (login|refresh \(rotating\)|authenticated GET|JWKS) \| (edge-auth|SimpleJWT) \|/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      const [scenario, side, conns, rps, , , errors] = row.split("|").slice(1, -1).map((cell) => cell.trim());
      const phase = results.sides[SIDES[side!]!].scenarios[SCENARIOS[scenario!]!][`c${conns}`];
      expect({ row, rps: Number(rps), errors: Number(errors) }).toEqual({ row, rps: Math.round(phase.rps), errors: phase.errors });
    }
  });
});

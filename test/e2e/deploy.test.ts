// The production bundle really builds: `wrangler deploy --dry-run` bundles src/ with every binding.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

describe("deployment", () => {
  it("builds the worker bundle with wrangler deploy --dry-run and lists its bindings", () => {
    const out = mkdtempSync(path.join(tmpdir(), "edge-auth-dry-"));
    try {
      const run = spawnSync(path.join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
        cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/env\.DB \(edge-auth\)/);
      expect(run.stdout).toMatch(/env\.AUTH_KV/);
      expect(run.stdout).toContain("--dry-run: exiting now.");
      const bundle = path.join(out, "index.js");
      expect(existsSync(bundle)).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(10_000);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

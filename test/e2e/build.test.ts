// The build stays honest: the production bundle builds with every binding, the committed env types
// match wrangler.toml, and the whole project typechecks.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

describe("build", () => {
  it("has committed env types that match wrangler.toml (npm run types)", () => {
    const check = "worker-configuration.check.d.ts";
    try {
      const run = spawnSync(path.join(root, "node_modules/.bin/wrangler"), ["types", check, "--include-runtime=false", "--strict-vars=false", "--env-file", ".dev.vars.example"], { cwd: root, encoding: "utf8", env: wranglerEnv });
      expect(run.status, run.stderr).toBe(0);
      const body = (file: string) => readFileSync(path.join(root, file), "utf8").split("\n").slice(2).join("\n");
      expect(body(check)).toBe(body("worker-configuration.d.ts"));
    } finally {
      rmSync(path.join(root, check), { force: true });
    }
  });

  it("keeps schema.sql identical to the migrations concatenated in order", () => {
    const dir = path.join(root, "migrations");
    const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
    expect(files[0]).toBe("0001_init.sql");
    const concatenated = files.map((f) => readFileSync(path.join(dir, f), "utf8")).join("");
    expect(readFileSync(path.join(root, "schema.sql"), "utf8")).toBe(concatenated);
  });

  it("keeps migration 0004 (the common-password list) what scripts/common-passwords.mjs makes of its source package", async () => {
    // @ts-expect-error plain ESM script
    const { commonPasswordsMigration } = await import("../../scripts/common-passwords.mjs");
    expect(readFileSync(path.join(root, "migrations/0004_common_passwords.sql"), "utf8")).toBe(commonPasswordsMigration());
  });

  it("typechecks (tsc --noEmit)", () => {
    const run = spawnSync(path.join(root, "node_modules/.bin/tsc"), ["--noEmit"], { cwd: root, encoding: "utf8" });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("builds the worker bundle with wrangler deploy --dry-run, lists its bindings, and keeps it within 64 KiB gzipped", () => {
    const out = mkdtempSync(path.join(tmpdir(), "edge-auth-dry-"));
    try {
      const run = spawnSync(path.join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
        cwd: root, encoding: "utf8", env: wranglerEnv,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/env\.DB \(edge-auth\)/);
      expect(run.stdout).toMatch(/env\.AUTH_KV/);
      expect(run.stdout).toContain("--dry-run: exiting now.");
      const bundle = path.join(out, "index.js");
      expect(existsSync(bundle)).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(10_000);
      // Issue 14's budget (bench/README.md "Bundle and cold start"): minified, with its source map
      // for readable stack traces, at most 64 KiB gzipped. Classic zod or the OpenAPI generator
      // back in the worker would each break it.
      expect(run.stdout).toMatch(/env\.ASSETS/);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      expect(gzipSync(readFileSync(bundle)).byteLength).toBeLessThanOrEqual(64 * 1024);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

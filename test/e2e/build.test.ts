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

  it("uploads the split build with wrangler deploy --dry-run, lists its bindings, and keeps what a new isolate loads within 64 KiB gzipped", async () => {
    // @ts-expect-error plain ESM script
    const { buildAll } = await import("../../scripts/build.mjs");
    await buildAll();
    const out = mkdtempSync(path.join(tmpdir(), "edge-auth-dry-"));
    try {
      const run = spawnSync(path.join(root, "node_modules/.bin/wrangler"), ["deploy", "--no-bundle", "dist/worker/index.js", "--dry-run", "--outdir", out], {
        cwd: root, encoding: "utf8", env: wranglerEnv,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/env\.DB \(edge-auth\)/);
      expect(run.stdout).toMatch(/env\.AUTH_KV/);
      expect(run.stdout).toMatch(/env\.ASSETS/);
      expect(run.stdout).toContain("--dry-run: exiting now.");
      const entry = path.join(out, "index.js");
      expect(statSync(entry).size).toBeGreaterThan(10_000);
      // The second factor is its own modules, loaded on first use (scripts/build/worker.mjs).
      const chunks = readdirSync(path.join(out, "chunks")).filter((f) => f.endsWith(".js"));
      expect(chunks.some((f) => f.startsWith("mfa-")) && chunks.some((f) => f.startsWith("passkeys-"))).toBe(true);
      // Source maps: wrangler uploads the map each module's sourceMappingURL names (no_bundle).
      for (const module of ["index.js", ...chunks.map((f) => `chunks/${f}`)]) {
        expect(readFileSync(path.join(out, module), "utf8")).toMatch(/\/\/# sourceMappingURL=[\w.-]+\.js\.map\s*$/);
        expect(existsSync(path.join(root, "dist/worker", `${module}.map`))).toBe(true);
      }
      // Issue 14's budget (bench/README.md "Bundle and cold start"): what a new isolate loads before
      // its first request, the entry and the chunks it imports statically, at most 64 KiB gzipped.
      // @ts-expect-error plain ESM helper
      const { moduleSizes } = await import("../../bench/lib/bundle.mjs");
      expect(moduleSizes(entry).at_start_gzip_bytes).toBeLessThanOrEqual(64 * 1024);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
  it("keeps the second factor's libraries and ceremonies out of what a new isolate loads (the login path's factor lookup stays in)", async () => {
    // @ts-expect-error plain ESM script
    const { buildWorker } = await import("../../scripts/build/worker.mjs");
    const { metafile } = await buildWorker(root);
    const outputs = metafile.outputs as Record<string, { imports: { path: string; kind: string }[]; inputs: Record<string, unknown>; entryPoint?: string }>;
    // The entry and every chunk it imports statically, transitively; import() targets load on first use.
    const atStart = new Set<string>();
    const visit = (file: string) => {
      if (atStart.has(file)) return;
      atStart.add(file);
      for (const imported of outputs[file]!.imports) if (imported.kind === "import-statement" && outputs[imported.path]) visit(imported.path);
    };
    visit(Object.keys(outputs).find((file) => outputs[file]!.entryPoint === "src/index.ts")!);
    const inputs = [...atStart].flatMap((file) => Object.keys(outputs[file]!.inputs));
    expect(inputs).toContain("src/mfa/challenge.ts");
    expect(inputs).toContain("src/mfa/factors.ts");
    const lazy = ["src/routes/mfa.ts", "src/routes/passkeys.ts", "src/mfa/totp.ts", "src/mfa/second-step.ts", "src/passkeys/ceremony.ts", "src/passkeys/public-key.ts"];
    expect(inputs.filter((input) => lazy.includes(input) || /node_modules\/(otpauth|uqr|@noble|@oslojs)\//.test(input))).toEqual([]);
  });
});

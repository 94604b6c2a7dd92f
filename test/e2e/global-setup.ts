// Runs once before the end-to-end files: `npm start`'s first-start setup (scripts/dev-setup.mjs),
// so that .dev.vars exists before files start workers in parallel. On a fresh clone each worker's
// own setup would otherwise create it while others run, and every write of .dev.vars makes the
// running `wrangler dev`s reload (dropping their --var overrides and resetting connections).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A local D1/KV directory with every migration applied, copied by each worker's start (worker.ts). */
    migratedPersist: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = path.resolve(import.meta.dirname, "../..");
  const run = spawnSync(process.execPath, ["scripts/dev-setup.mjs"], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`scripts/dev-setup.mjs failed:\n${run.stdout}${run.stderr}`);
  // The schema once into a template that every worker's state directory starts as a copy of: the
  // start's own `wrangler d1 migrations apply` then finds nothing left to do (1.5 s instead of 4.3 s
  // of a 2-core machine's time, for each of the suite's ~35 workers).
  const template = mkdtempSync(path.join(tmpdir(), "edge-auth-e2e-migrated-"));
  const migrate = spawnSync(process.execPath, ["scripts/dev-setup.mjs", "--persist-to", template], { cwd: root, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`scripts/dev-setup.mjs --persist-to failed:\n${migrate.stdout}${migrate.stderr}`);
  project.provide("migratedPersist", template);
  // The generated assets once, too (each worker's start rebuilds them; unchanged files are not rewritten).
  const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stdout}${build.stderr}`);
  return () => rmSync(template, { recursive: true, force: true });
}

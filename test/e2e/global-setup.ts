// Runs once before the end-to-end files: `npm start`'s first-start setup (scripts/dev-setup.mjs),
// so that .dev.vars exists before files start workers in parallel. On a fresh clone each worker's
// own setup would otherwise create it while others run, and every write of .dev.vars makes the
// running `wrangler dev`s reload (dropping their --var overrides and resetting connections).
import { spawnSync } from "node:child_process";
import path from "node:path";

export default function setup(): void {
  const root = path.resolve(import.meta.dirname, "../..");
  const run = spawnSync(process.execPath, ["scripts/dev-setup.mjs"], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`scripts/dev-setup.mjs failed:\n${run.stdout}${run.stderr}`);
  // The generated assets once, too (each worker's start rebuilds them; unchanged files are not rewritten).
  const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stdout}${build.stderr}`);
}

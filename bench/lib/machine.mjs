// The machine and tool versions a run was made on, recorded with its results.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const firstLine = (command, args) => {
  const run = spawnSync(command, args, { encoding: "utf8" });
  return `${run.stdout ?? ""}${run.stderr ?? ""}`.split("\n")[0].trim();
};
const version = (pkg) => JSON.parse(readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")).version;

export function machineInfo() {
  return {
    started_at: new Date().toISOString(),
    cpu_model: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    wrangler: version("wrangler"),
    miniflare: version("miniflare"),
    workerd: firstLine(path.join(root, "node_modules/.bin/workerd"), ["--version"]),
    wrk: firstLine("wrk", ["-v"]).replace(/ \[.*$/, ""),
    loadavg_before: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

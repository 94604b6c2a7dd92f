#!/usr/bin/env node
// System packages some suites need (Debian's chromium, python3-requests, Go, ...). `npm test`
// calls ensureDebianPackages() before those suites: as root it installs what is missing with
// apt-get; otherwise it fails with the exact command to run. Never a silent skip.
import { spawnSync } from "node:child_process";

function installed(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

/** @param {string[]} packages Debian package names. Throws with the install command if it cannot. */
export function ensureDebianPackages(packages) {
  const missing = packages.filter((p) => !installed(p));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing system packages: ${missing.join(", ")}\nInstall them with:\n  sudo sh -c '${command}'`);
  }
  console.log(`edge-auth: installing system packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-q"], ["install", "-y", "-q", "--no-install-recommends", ...missing]]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${r.status}); run: ${command}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureDebianPackages(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}

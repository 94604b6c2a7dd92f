// The package's subpath exports, built from src/ (never imported by the worker): one function per
// package. edge-auth/client: dist/client/index.js (one ESM file, esbuild, unminified, no runtime
// dependencies) with its .d.ts files (tsc, tsconfig.client.json), and the same file at
// public/generated/edge-auth-client.js, where the demo app loads it in the browser.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { publish } from "./publish.mjs";

const root = path.resolve(import.meta.dirname, "../..");

function declarations(tsconfig, outDir) {
  const run = spawnSync(path.join(root, "node_modules/.bin/tsc"), ["-p", tsconfig, "--outDir", outDir], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`tsc -p ${tsconfig} failed:\n${run.stdout}${run.stderr}`);
}

export async function buildClient() {
  mkdirSync(path.join(root, "dist"), { recursive: true });
  const staging = mkdtempSync(path.join(root, "dist", ".client-"));
  try {
    declarations("tsconfig.client.json", staging);
    await build({
      entryPoints: [path.join(root, "src/client/index.ts")],
      outfile: path.join(staging, "index.js"),
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      legalComments: "none",
      logLevel: "warning",
    });
    publish(staging, path.join(root, "dist/client"));
    publish(staging, path.join(root, "public/generated"), { "index.js": "edge-auth-client.js" });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export async function buildPackages() {
  await buildClient();
}

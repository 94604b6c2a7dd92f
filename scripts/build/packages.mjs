// The package's subpath exports, built from src/ into dist/ (gitignored): one function per
// package, each ESM (one file, esbuild) + type declarations (tsc). package.json "exports" names them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { writeIfChanged } from "./files.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** tsc's declarations keep the sources' extensionless relative imports; Node16 resolution needs `.js`. */
function writeDeclarations(entry, outDir) {
  const temp = mkdtempSync(path.join(tmpdir(), "edge-auth-dts-"));
  try {
    const args = ["--ignoreConfig", entry, "--declaration", "--emitDeclarationOnly", "--outDir", temp, "--module", "es2022", "--target", "es2022", "--moduleResolution", "bundler", "--strict", "--skipLibCheck", "--lib", "es2023,dom", "--types", ""];
    const run = spawnSync(path.join(root, "node_modules/.bin/tsc"), args, { cwd: root, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`tsc (declarations of ${entry}) failed:\n${run.stdout}${run.stderr}`);
    for (const file of readdirSync(temp).filter((f) => f.endsWith(".d.ts"))) {
      writeIfChanged(path.join(outDir, file), readFileSync(path.join(temp, file), "utf8").replace(/(from\s+"\.\/[^"]+?)(?<!\.js)"/g, '$1.js"'));
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

async function writeBundle(entry, outfile, external) {
  const result = await build({ entryPoints: [path.join(root, entry)], outfile, bundle: true, format: "esm", platform: "neutral", target: "es2022", external, write: false, logLevel: "warning" });
  for (const file of result.outputFiles) writeIfChanged(file.path, file.contents);
}

/**
 * edge-auth/client: no runtime dependencies, so one self-contained file, also copied to
 * public/generated/edge-auth-client.js, where a page (the demo app) loads it from the worker.
 */
export async function buildClient() {
  const outDir = path.join(root, "dist/client");
  await writeBundle("src/client/index.ts", path.join(outDir, "index.js"), []);
  writeIfChanged(path.join(root, "public/generated/edge-auth-client.js"), readFileSync(path.join(outDir, "index.js")));
  writeDeclarations("src/client/index.ts", outDir);
}

/** edge-auth/hono: the middleware for other Hono apps; hono (a peer) and jose stay imports. */
export async function buildHono() {
  const outDir = path.join(root, "dist/hono");
  await writeBundle("src/hono/index.ts", path.join(outDir, "index.js"), ["hono", "hono/*", "jose"]);
  writeDeclarations("src/hono/index.ts", outDir);
}

export async function buildPackages() {
  await buildClient();
  await buildHono();
}

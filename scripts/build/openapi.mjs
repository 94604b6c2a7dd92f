// Build step: the OpenAPI document, generated from the schemas the handlers validate with
// (src/openapi/document.ts) and written to public/generated/openapi.json, which the worker serves
// at GET /openapi.json from Workers Static Assets (src/openapi/route.ts). Generating it here keeps
// zod's JSON Schema generator and the operation table out of the worker's bundle (bench/README.md,
// "Bundle and cold start"). esbuild is wrangler's own bundler, already installed with it.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const OPENAPI_FILE = "public/generated/openapi.json";

/** Bundles document.ts for Node, runs it, and writes the JSON (only when it changed). */
export async function buildOpenApi(root) {
  const bundled = path.join(tmpdir(), `edge-auth-openapi-${process.pid}-${Date.now()}.mjs`);
  try {
    await build({ entryPoints: [path.join(root, "src/openapi/document.ts")], bundle: true, platform: "node", format: "esm", outfile: bundled, logLevel: "error" });
    const { openApiJson } = await import(pathToFileURL(bundled).href);
    writeIfChanged(path.join(root, OPENAPI_FILE), openApiJson());
  } finally {
    rmSync(bundled, { force: true });
  }
}

/**
 * Unchanged content is not rewritten (a write makes a running `wrangler dev` reload its assets),
 * and a changed one is renamed into place, so workers started in parallel (the e2e suite) never
 * read a half-written file.
 */
function writeIfChanged(file, text) {
  if (existsSync(file) && readFileSync(file, "utf8") === text) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

#!/usr/bin/env node
// `node scripts/build.mjs` (`npm run build`): every build step, in order; one module per step under
// scripts/build/, each an async function of the repository root. Generated files go under dist/
// (the package's subpath exports) and public/generated/ (gitignored, in the static assets
// directory). Run by `npm install` (prepare), npm start (scripts/start.mjs), npm run deploy and
// deploy:dry, npm test (scripts/test.mjs and the vitest setups) and the benchmark's bundle build.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDocsAssets } from "./build/docs-assets.mjs";
import { buildOpenApi } from "./build/openapi.mjs";
import { buildPackages } from "./build/packages.mjs";
import { buildWorker } from "./build/worker.mjs";

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const STEPS = [buildPackages, buildOpenApi, buildDocsAssets, buildWorker];

export async function buildAll() {
  for (const step of STEPS) await step(root);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildAll();

#!/usr/bin/env node
// `node scripts/build.mjs`: every build step, in order; one module per step under scripts/build/,
// each an async function of the repository root. Generated files go under public/generated/
// (gitignored), the static assets directory. Run by npm start (scripts/start.mjs), npm run deploy
// and deploy:dry, npm test's suites (the vitest configs' setup) and the benchmark's bundle build.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApi } from "./build/openapi.mjs";
import { buildWorker } from "./build/worker.mjs";

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const STEPS = [buildOpenApi, buildWorker];

export async function buildAll() {
  for (const step of STEPS) await step(root);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildAll();

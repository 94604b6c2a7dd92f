#!/usr/bin/env node
// Every build step, in order; run by `npm install` (prepare), `npm start` (before wrangler dev),
// `npm run deploy`, the e2e global setup, and by hand (`npm run build`). One module per step
// under scripts/build/.
import { pathToFileURL } from "node:url";
import { buildDocsAssets } from "./build/docs-assets.mjs";
import { buildPackages } from "./build/packages.mjs";

export const steps = [buildPackages, buildDocsAssets];

export async function runBuild() {
  for (const step of steps) await step();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runBuild();

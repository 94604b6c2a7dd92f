#!/usr/bin/env node
// Every build step, in order; run by `npm start` (before wrangler dev), by the test set-ups and by
// hand (`node scripts/build.mjs`). One module per step under scripts/build/.
import { pathToFileURL } from "node:url";
import { buildPackages } from "./build/packages.mjs";

export const steps = [buildPackages];

export async function runBuild() {
  for (const step of steps) await step();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runBuild();

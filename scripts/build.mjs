#!/usr/bin/env node
// Every build step, in order: run by `npm start` and `npm test` before anything else, by the
// end-to-end global setup, and by `npm install` (the "prepare" script). One imported step a line.
import { fileURLToPath } from "node:url";
import { buildPackages } from "./build/packages.mjs";

const steps = [buildPackages];

export async function build() {
  for (const step of steps) await step();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build().catch((error) => {
    console.error(`edge-auth build: ${error.message}`);
    process.exit(1);
  });
}

#!/usr/bin/env node
// `npm run screenshots`: refreshes the README's pictures in docs/images/ from the browser tests
// that take them (they write to test-results/ on every run, and here to docs/images/ instead), so
// the committed images are what the tests saw, never edited by hand. Needs Debian's chromium, as
// the browser tests do. Commit the changed images afterwards.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const images = path.join(root, "docs", "images");

// [test file, the test that takes the picture]: one line per image.
const shots = [
  ["test/e2e/demo.test.ts", "registers, shows the user"], // demo.png
  ["test/e2e/docs-page.test.ts", "lists the endpoints"], // docs.png
  ["test/e2e/mfa-browser.test.ts", "turns the authenticator app on"], // demo-mfa.png
];

for (const [file, name] of shots) {
  const run = spawnSync(path.join(root, "node_modules/.bin/vitest"), ["run", "--config", "vitest.e2e.config.ts", file, "-t", name], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, EDGE_AUTH_SCREENSHOTS: images, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  if (run.status !== 0) {
    console.error(`screenshots: ${file} failed; docs/images/ may be partly refreshed`);
    process.exit(run.status ?? 1);
  }
}
console.log(`screenshots: refreshed ${path.relative(root, images)}/ (git diff --stat docs/images to see what changed)`);

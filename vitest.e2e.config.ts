// Black-box tests in Node: they start the real worker the way `npm start` does and talk HTTP.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts", "test/docs/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file starts its own worker; two at a time suits a 2-core machine.
    maxWorkers: 2,
    fileParallelism: true,
    // .dev.vars and the local schema once, before any file starts a worker (test/e2e/global-setup.ts).
    globalSetup: ["test/e2e/global-setup.ts"],
  },
});

// The benchmark's own test (Node): runs `bench/run.mjs --quick` once and checks its results.json.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["bench/test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 450_000,
  },
});

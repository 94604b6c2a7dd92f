// In-runtime tests: every file under test/ (except e2e/) runs inside workerd with real local D1
// and KV. Keys are generated fresh for each run; nothing secret is committed.
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
// @ts-expect-error plain ESM helper shared with the dev scripts
import { generateSigningKey, randomSecret } from "./scripts/keys.mjs";
// @ts-expect-error plain ESM script
import { buildAll } from "./scripts/build.mjs";

// Every bare import of src/ and of the in-runtime tests (a new one left out still works, unbundled).
const OPTIMIZED_DEPS = [
  "hono", "hono/body-limit", "hono/cookie", "hono/cors", "hono/factory", "hono/http-exception", "hono/secure-headers", "hono/utils/cookie",
  "jose", "zod", "zod/mini", "zod/v4/locales/en.js", "otpauth/bare", "uqr", "@noble/hashes/hmac.js", "@noble/hashes/legacy.js",
  "@oslojs/cbor", "@oslojs/webauthn", "fast-check",
];

export default defineConfig(async () => {
  // The generated assets (public/generated/, e.g. the OpenAPI document GET /openapi.json serves)
  // before the pool reads wrangler.toml's [assets]: a fresh clone has none of them.
  await buildAll();
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  const rsa = generateSigningKey("RS256");
  const ec = generateSigningKey("ES256");
  const ed = generateSigningKey("EdDSA");
  return {
    plugins: [
      cloudflareTest({
        // The sources (wrangler.toml's main too), never the split build in dist/worker/: tests
        // import src/ modules, and the worker that serves SELF and the AuthService entrypoint must
        // be the same module instances (one read cache, one verified-token memo), as in production.
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENVIRONMENT: "test",
            ISSUER: "https://auth.test.example",
            AUDIENCE: "https://api.test.example",
            SIGNING_KEYS: JSON.stringify({ keys: [rsa] }),
            ACTIVE_KID: rsa.kid,
            REFRESH_TOKEN_SECRET: randomSecret(),
            // Spare keys for tests that switch algorithms or rotate keys.
            TEST_KEYS: JSON.stringify({ RS256: rsa, ES256: ec, EdDSA: ed, RS256_NEXT: generateSigningKey("RS256") }),
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**", "test/docs/**", "node_modules/**"],
      setupFiles: ["./test/apply-migrations.ts"],
      // Each file gets its own workerd and imports the worker afresh, mostly waiting on the module
      // transport rather than on a core: three files at a time took the suite from 230 s to 147 s
      // on 2 cores (vitest's default there is one). The longer limit absorbs the shared cores.
      maxWorkers: 3,
      // The dependencies pre-bundled (Vite's optimizer): each file imports the worker afresh, and a
      // few files instead of hundreds of modules over the pool's transport took the suite from
      // 147 s to 114 s.
      deps: { optimizer: { ssr: { enabled: true, include: OPTIMIZED_DEPS } } },
      testTimeout: 15_000,
      // The worker's info-level JSON log lines are expected; warnings and errors still print.
      onConsoleLog: (log: string) => !log.startsWith('{"level":"info"'),
    },
  };
});

// Floors measured inside workerd: one PBKDF2 hash, one sign, one verify, and one call of each
// local storage emulator a refresh uses (bench/floor-worker.ts).
// Each figure is the workerd process's CPU for a request repeating the operation n times, minus
// the same request with n = 0, divided by n.
import { request } from "./http.mjs";
import { cpuMs } from "./proc.mjs";
import { round } from "./load.mjs";

async function cpuOf(url, pids) {
  const before = cpuMs(pids);
  const { status, text } = await request(url);
  if (status !== 200) throw new Error(`floor ${url}: ${status} ${text}`);
  return cpuMs(pids) - before;
}

async function perOperation(base, route, n, pids) {
  const sep = route.includes("?") ? "&" : "?";
  await cpuOf(`${base}${route}${sep}n=2`, pids); // warm-up: JIT, key import, first allocation
  const empty = await cpuOf(`${base}${route}${sep}n=0`, pids);
  const total = await cpuOf(`${base}${route}${sep}n=${n}`, pids);
  return round(Math.max(0, total - empty) / n, 3);
}

/** @param {{ kdf: number, crypto: number }} reps repetitions per measurement */
export async function measureCryptoFloors({ url, pids, password, reps }) {
  const kdf = async (algorithm, iterations) => ({
    algorithm,
    iterations,
    cpu_ms: await perOperation(url, `/floor/kdf?algorithm=${algorithm}&iterations=${iterations}`, reps.kdf, pids),
  });
  return {
    kdf_configured: await kdf(password.algorithm, password.iterations),
    kdf_pbkdf2_sha256_100k: await kdf("pbkdf2_sha256", 100_000),
    kdf_pbkdf2_sha512_100k: await kdf("pbkdf2_sha512", 100_000),
    sign_cpu_ms: await perOperation(url, "/floor/sign", reps.crypto, pids),
    verify_cpu_ms: await perOperation(url, "/floor/verify", reps.crypto, pids),
    // The local emulators of the bindings, which run in the worker's own process here.
    storage_cpu_ms: {
      kv_get: await perOperation(url, "/floor/kv-get", reps.crypto, pids),
      kv_put: await perOperation(url, "/floor/kv-put", reps.crypto, pids),
      d1_read: await perOperation(url, "/floor/d1-read", reps.crypto, pids),
      rate_limit: await perOperation(url, "/floor/rate-limit", reps.crypto, pids),
    },
  };
}

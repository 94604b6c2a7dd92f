// KV namespaces for session tests: one whose writes are refused on demand (as Cloudflare refuses
// them with 429), and an in-memory one whose TTLs follow a test clock, so the real KV adapter
// (src/storage/kv-sessions.ts) can be driven past a marker's or a record's lifetime.
import { KV_MIN_TTL } from "../../src/storage/ports";

export type KvWrite = "put" | "delete";

/** `kv` with its writes refused with Cloudflare's 429 whenever `refuse` says so. */
export function kvRefusing(kv: KVNamespace, refuse: (method: KvWrite, key: string) => boolean): KVNamespace {
  return new Proxy(kv, {
    get(target, name) {
      const original = Reflect.get(target, name) as (...args: unknown[]) => Promise<unknown>;
      if (name !== "put" && name !== "delete") return typeof original === "function" ? original.bind(target) : original;
      return async (key: string, ...rest: unknown[]) => {
        if (refuse(name, key)) throw new Error(`KV ${name.toUpperCase()} failed: 429 Too Many Requests`);
        return original.call(target, key, ...rest);
      };
    },
  });
}

/** The part of KVNamespace the session adapter uses, in memory, expiring entries by `now()`. */
export function clockedKv(now: () => number): KVNamespace & { expirations: Map<string, number> } {
  const values = new Map<string, string>();
  const expirations = new Map<string, number>();
  const live = (key: string) => {
    if ((expirations.get(key) ?? Infinity) > now()) return values.get(key) ?? null;
    values.delete(key);
    expirations.delete(key);
    return null;
  };
  const kv = {
    expirations,
    async get(key: string, type?: "text" | "json") {
      const value = live(key);
      return value !== null && type === "json" ? JSON.parse(value) : value;
    },
    async put(key: string, value: string, options: { expirationTtl?: number } = {}) {
      // As Cloudflare's KV: a TTL under 60 s is an error, not a silent clamp.
      if (options.expirationTtl !== undefined && !(options.expirationTtl >= KV_MIN_TTL)) throw new Error("KV PUT failed: 400 Invalid expiration_ttl");
      values.set(key, value);
      if (options.expirationTtl === undefined) expirations.delete(key);
      else expirations.set(key, now() + options.expirationTtl * 1000);
    },
    async delete(key: string) {
      values.delete(key);
      expirations.delete(key);
    },
  };
  return kv as unknown as KVNamespace & { expirations: Map<string, number> };
}

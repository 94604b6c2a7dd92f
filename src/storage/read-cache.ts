// A bounded, short-lived, per-isolate cache for the two reads every authenticated request makes:
// the user row (D1) and the session's revocation marker (KV). Measured in workerd (bench/README.md)
// they were three quarters of GET /auth/me's CPU. Bounds of the trade:
// - A revocation written through this isolate is seen at once (revoke() updates the cache); one
//   written elsewhere is seen within READ_CACHE_MS. KV itself serves reads from its edge cache for
//   up to 60 s (`cacheTtl` default), so this does not widen the documented ~60 s bound.
// - A user change written through this isolate (login, logout-all, any write) drops that user's
//   cached row; one made in another isolate is seen within READ_CACHE_MS.
// - A read still in flight when this isolate writes or revokes may carry the value from before
//   the write: it answers its own caller but is not cached, so invalidation always wins.
import type { SessionStore, Stores, UserRecord, UserStore } from "./ports";

export const READ_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  until: number;
}

/** A load in flight; an invalidation of its key marks it stale, and a stale load is not kept. */
interface Load {
  stale: boolean;
}

class TtlCache<T> {
  private entries = new Map<string, Entry<T>>();
  /** Only keys with a load in flight: bounded by the requests in flight, not by the keys seen. */
  private loads = new Map<string, Set<Load>>();
  get(key: string, now: number): Entry<T> | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.until <= now) this.entries.delete(key);
    return entry && entry.until > now ? entry : undefined;
  }
  /** Stores what a write made known; any read already in flight for the key is older than it. */
  set(key: string, value: T, now: number): void {
    this.invalidateLoads(key);
    this.store(key, value, now);
  }
  delete(key: string): void {
    this.invalidateLoads(key);
    this.entries.delete(key);
  }
  clear(): void {
    for (const key of this.loads.keys()) this.invalidateLoads(key);
    this.entries.clear();
  }
  /**
   * Runs a read and caches its answer unless the key was invalidated while it was in flight:
   * a read that started before a write may answer after it, and must not put the old value back.
   */
  async load(key: string, now: number, read: () => Promise<T>): Promise<T> {
    const load: Load = { stale: false };
    const pending = this.loads.get(key) ?? this.loads.set(key, new Set()).get(key)!;
    pending.add(load);
    try {
      const value = await read();
      if (!load.stale) this.store(key, value, now);
      return value;
    } finally {
      pending.delete(load);
      if (pending.size === 0 && this.loads.get(key) === pending) this.loads.delete(key);
    }
  }
  private invalidateLoads(key: string): void {
    for (const load of this.loads.get(key) ?? []) load.stale = true;
  }
  private store(key: string, value: T, now: number): void {
    // Map keeps insertion order: the first key is the oldest, dropped when the bound is reached.
    if (!this.entries.has(key) && this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: now + READ_CACHE_MS });
  }
}

const users = new TtlCache<UserRecord | null>();
const revoked = new TtlCache<boolean>();

async function cached<T>(cache: TtlCache<T>, key: string, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = cache.get(key, now);
  if (hit) return hit.value;
  return cache.load(key, now, load);
}

/**
 * Every method becomes a write that drops the written user's cached row before and after, so no
 * read racing the write can keep the old row. Writes name their user first (an id, or the
 * record); one that does not drops every row. Also for ports that write user rows besides the
 * UserStore (the account lifecycle's AccountStore).
 */
export function withUserInvalidation<T extends object>(store: T): T {
  const wrapped: Record<string, unknown> = {};
  const drop = (args: unknown[]) => {
    const first = args[0] as string | { id?: unknown } | undefined;
    const id = typeof first === "string" ? first : first?.id;
    if (typeof id === "string") users.delete(id);
    else users.clear();
  };
  for (const [name, method] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args: unknown[]) => {
      drop(args);
      try {
        return await method.apply(store, args);
      } finally {
        drop(args);
      }
    };
  }
  return wrapped as T;
}

function cachedUsers(store: UserStore): UserStore {
  // Every method but the two finds is a write (today's and any added later).
  return { ...withUserInvalidation(store), findByIdentifier: store.findByIdentifier, findById: (id) => cached(users, id, () => store.findById(id)) };
}

function cachedSessions(store: SessionStore): SessionStore {
  return {
    ...store,
    async revoke(sid, markerTtlSeconds) {
      // Marked before the write, not after: whoever revokes wants the session gone, so this
      // isolate refuses it even when the write fails halfway (fail closed).
      revoked.set(sid, true, Date.now());
      await store.revoke(sid, markerTtlSeconds);
    },
    isRevoked: (sid) => cached(revoked, sid, () => store.isRevoked(sid)),
  };
}

/** The production stores with their hot reads cached (memory twins and test stores are not). */
export function withReadCache(stores: Stores): Stores {
  return { users: cachedUsers(stores.users), sessions: cachedSessions(stores.sessions) };
}

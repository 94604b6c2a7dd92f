// SessionStore on Workers KV. Keys and TTLs are listed in docs/storage.md. KV is eventually
// consistent (~60 s across locations) and rejects expirationTtl < 60 s, so TTLs are clamped up
// and the record's own expiresAt is what the session logic enforces.
import { guardStorage } from "./guard";
import { KV_KEY_WRITE_INTERVAL_MS, KV_MIN_TTL, sleep, type SessionRecord, type SessionStore } from "./ports";

export const sessionKey = (sid: string) => `session:${sid}`;
export const revokedKey = (sid: string) => `revoked:${sid}`;

const ttl = (seconds: number) => Math.max(KV_MIN_TTL, Math.ceil(seconds));

export function kvSessionStore(kv: KVNamespace): SessionStore {
  return {
    get(sid) {
      return guardStorage("sessions.get", () => kv.get<SessionRecord>(sessionKey(sid), "json"));
    },
    put(session, ttlSeconds) {
      return guardStorage("sessions.put", () => kv.put(sessionKey(session.sid), JSON.stringify(session), { expirationTtl: ttl(ttlSeconds) }));
    },
    revoke(sid, markerTtlSeconds) {
      // Marker first: if the delete then fails, the session is already refused everywhere.
      const revoke = async () => {
        await kv.put(revokedKey(sid), "1", { expirationTtl: ttl(markerTtlSeconds) });
        await kv.delete(sessionKey(sid));
      };
      return guardStorage("sessions.revoke", () =>
        // A logout right after the login or refresh that wrote the record meets KV's limit of one
        // write per second per key: once more after that second; a second failure is a failure.
        revoke().catch(async () => {
          await sleep(KV_KEY_WRITE_INTERVAL_MS + 50);
          await revoke();
        }),
      );
    },
    isRevoked(sid) {
      return guardStorage("sessions.isRevoked", async () => (await kv.get(revokedKey(sid))) !== null);
    },
  };
}

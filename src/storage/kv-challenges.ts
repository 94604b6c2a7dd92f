// ChallengeStore on Workers KV: `webauthn:<challenge>` for 5 minutes (docs/storage.md). A challenge
// is written and read back within one ceremony, usually in one location; single use is not KV's
// job (no compare-and-set): the D1 PasskeyStore spends each challenge once.
import { guardStorage } from "./guard";
import { KV_MIN_TTL } from "./ports";
import type { ChallengeStore, IssuedChallenge } from "./passkey-ports";

export const challengeKey = (challenge: string) => `webauthn:${challenge}`;

export function kvChallengeStore(kv: KVNamespace): ChallengeStore {
  return {
    put(record, ttlSeconds) {
      return guardStorage("challenges.put", () => kv.put(challengeKey(record.challenge), JSON.stringify(record), { expirationTtl: Math.max(KV_MIN_TTL, Math.ceil(ttlSeconds)) }));
    },
    get(challenge) {
      return guardStorage("challenges.get", () => kv.get<IssuedChallenge>(challengeKey(challenge), "json"));
    },
  };
}

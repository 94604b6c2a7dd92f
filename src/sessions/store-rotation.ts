// Writing a rotated session under KV's limit of one write per second per key. Concurrent
// redemptions of one token (two tabs, a retried request) all compute the same successor (the
// successor is derived, not random: tokens/refresh-token.ts), and each writes the same rotation.
// On Cloudflare the first write lands and the others are refused with 429 for the next second;
// local KV does not enforce the limit. A refused write is harmless when the record already holds
// this very rotation, so the loser answers with the successor the winner stored; anything else
// stays a failure (503), as before.
import type { Runtime } from "../runtime";
import type { SessionRecord } from "../storage/ports";

/** Read-backs after a refused write: the winning write may still be in flight. */
const READ_BACK_DELAYS_MS = [0, 50, 200];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function storeRotation(rt: Runtime, rotated: SessionRecord, ttlSeconds: number): Promise<void> {
  try {
    await rt.stores.sessions.put(rotated, ttlSeconds);
  } catch (refused) {
    for (const delay of READ_BACK_DELAYS_MS) {
      if (delay > 0) await sleep(delay);
      const stored = await rt.stores.sessions.get(rotated.sid).catch(() => null);
      // The same generation with the same secret hash is this rotation, written by a concurrent
      // redemption. A later generation means the successor was already redeemed: not ours to answer.
      if (stored && stored.generation === rotated.generation && stored.currentHash === rotated.currentHash) return;
      if (stored && stored.generation > rotated.generation) break;
    }
    throw refused;
  }
}

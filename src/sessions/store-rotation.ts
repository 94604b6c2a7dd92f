// Writing a rotated session under KV's limit of one write per second per key, which Cloudflare
// enforces (429) and local KV does not. Two cases meet it:
// - Concurrent redemptions of one token (two tabs, a retried request) all compute the same
//   successor (it is derived, not random: tokens/refresh-token.ts) and each writes the same
//   rotation; the first write lands, the others are refused. A refused write is harmless when the
//   record already holds this very rotation, so the loser answers with the stored successor.
// - A refresh within a second of the session's previous write (a client that logs in and
//   refreshes at once, as the seeds' examples do). The write is tried once more, a second after
//   the previous one (every write of a session record sets lastUsedAt), if the record is still
//   the one this rotation replaces. KV has no compare-and-set, so that check narrows the window
//   for overwriting a newer rotation; it cannot close it.
// Anything else stays a failure (503), as before.
import type { Runtime } from "../runtime";
import { KV_KEY_WRITE_INTERVAL_MS, sleep, type SessionRecord } from "../storage/ports";

/** Read-backs before giving up: the winning write may still be in flight. */
const READ_BACK_DELAYS_MS = [0, 50, 200];

/** What the stored record says about `rotated`. */
type Found = "this rotation" | "the record it replaces" | "something else";

export async function storeRotation(rt: Runtime, previous: SessionRecord, rotated: SessionRecord, ttlSeconds: number): Promise<void> {
  const put = () => rt.stores.sessions.put(rotated, ttlSeconds).then(() => null, (refused: unknown) => refused ?? new Error("refused"));
  let refused = await put();
  if (refused === null) return;
  let found = await readBack(rt, rotated, [0]);
  if (found === "the record it replaces") {
    // rt.now() is the request's start: workerd does not advance the clock within a request.
    await sleep(Math.max(0, previous.lastUsedAt + KV_KEY_WRITE_INTERVAL_MS - rt.now()) + 50);
    found = await readBack(rt, rotated, [0]);
    if (found === "the record it replaces") {
      refused = await put();
      if (refused === null) return;
      found = await readBack(rt, rotated, READ_BACK_DELAYS_MS);
    }
  }
  if (found === "this rotation") return;
  throw refused;
}

async function readBack(rt: Runtime, rotated: SessionRecord, delays: number[]): Promise<Found> {
  let found: Found = "something else";
  for (const delay of delays) {
    if (delay > 0) await sleep(delay);
    const stored = await rt.stores.sessions.get(rotated.sid).catch(() => null);
    if (stored && stored.generation === rotated.generation && stored.currentHash === rotated.currentHash) return "this rotation";
    // Gone (revoked) or a later generation (the successor was already redeemed): not ours to answer.
    found = stored && stored.generation < rotated.generation ? "the record it replaces" : "something else";
    if (found === "something else") break;
  }
  return found;
}

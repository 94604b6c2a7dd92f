// WebAuthn challenges (L3 §13.4.3: random, at least 16 bytes, used once): issued into KV for five
// minutes with what they are for, and spent in D1 by the ceremony that answers them, whatever its
// outcome, before anything is verified. KV has no compare-and-set and a delete there reaches other
// locations only within ~60 s, so a KV delete could not stop two concurrent or distant replays;
// the D1 primary key does (PasskeyStore.spendChallenge).
import { encodeBase64Url, randomBytes } from "../crypto/bytes";
import type { Runtime } from "../runtime";
import type { IssuedChallenge } from "../storage/ports";
import type { ClientData, Refuse } from "./ceremony";

export const CHALLENGE_TTL_SECONDS = 300;

export async function issueChallenge(rt: Runtime, purpose: IssuedChallenge["purpose"], userId: string | null): Promise<string> {
  const challenge = encodeBase64Url(randomBytes(32));
  await rt.stores.challenges.put({ challenge, purpose, userId, expiresAt: rt.now() + CHALLENGE_TTL_SECONDS * 1000 }, CHALLENGE_TTL_SECONDS);
  return challenge;
}

/**
 * The challenge `clientData` answers, spent: refused when it was not issued here for `purpose`
 * (and, for registration, to `userId`), has lapsed, or was already spent.
 */
export async function spendChallenge(rt: Runtime, clientData: ClientData, purpose: IssuedChallenge["purpose"], userId: string | null, refuse: Refuse): Promise<IssuedChallenge> {
  const issued = await rt.stores.challenges.get(clientData.challenge);
  if (!issued || issued.purpose !== purpose || issued.expiresAt <= rt.now()) throw refuse("challenge unknown, expired or of another ceremony");
  if (purpose === "register" && issued.userId !== userId) throw refuse("challenge issued to another user");
  if (!(await rt.stores.passkeys.spendChallenge(issued.challenge, issued.expiresAt))) throw refuse("challenge already used");
  return issued;
}

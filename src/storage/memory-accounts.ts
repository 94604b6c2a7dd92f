// In-memory twin of the AccountStore, over the memory UserStore's rows, held to the D1 adapter's
// behaviour by test/storage/accounts-contract.test.ts. JavaScript runs each method to completion
// between awaits, so a redemption here is as atomic as the D1 batch.
import { normaliseEmail, normaliseUsername } from "../accounts/identifiers";
import { memoryAuditStore } from "./memory-security";
import type { memoryUserStore } from "./memory";
import type { AccountStore, AccountToken, AccountTokenPurpose, AuditEvent, UserRecord } from "./ports";

export function memoryAccountStore(users: ReturnType<typeof memoryUserStore>, audit = memoryAuditStore()): AccountStore & { tokens: Map<string, AccountToken>; audit: typeof audit } {
  const tokens = new Map<string, AccountToken>();
  const normalisedEmail = (user: UserRecord) => (user.email === null ? null : normaliseEmail(user.email));
  const tokenOf = (userId: string, purpose: AccountTokenPurpose) => [...tokens.values()].find((t) => t.userId === userId && t.purpose === purpose);

  /** The whole redemption, synchronously: claim, then grant. */
  function redeem(userId: string, tokenHash: string, purpose: AccountTokenPurpose, now: number, grant: (user: UserRecord, token: AccountToken) => boolean, event: AuditEvent) {
    const token = tokens.get(tokenHash);
    if (!token || token.userId !== userId || token.purpose !== purpose || token.usedAt !== null || token.expiresAt <= now) return null;
    token.usedAt = now;
    const user = users.rows.get(userId);
    if (!user || !grant(user, token)) return null;
    user.updatedAt = new Date(now).toISOString();
    void audit.record(event);
    return structuredClone(user);
  }

  return {
    tokens,
    audit,
    async issueToken(userId, token, resendAfterMs, event) {
      await audit.record(event);
      const current = tokenOf(userId, token.purpose);
      if (current && current.usedAt === null && current.createdAt > token.createdAt - resendAfterMs) return "too_soon";
      if (current) tokens.delete(current.tokenHash);
      tokens.set(token.tokenHash, { ...token, userId, usedAt: null });
      return "issued";
    },
    async findToken(tokenHash) {
      const token = tokens.get(tokenHash);
      return token ? { ...token } : null;
    },
    async redeemReset(userId, tokenHash, passwordHash, now, event) {
      return redeem(userId, tokenHash, "password_reset", now, (user, token) => {
        Object.assign(user, { passwordHash, tokenVersion: user.tokenVersion + 1 });
        if (token.email !== null && token.email === normalisedEmail(user)) user.emailVerified = true;
        return true;
      }, event);
    },
    async redeemVerification(userId, tokenHash, now, event) {
      return redeem(userId, tokenHash, "email_verification", now, (user, token) => {
        if (token.email === null || token.email !== normalisedEmail(user)) return false;
        user.emailVerified = true;
        return true;
      }, event);
    },
    async changePassword(userId, passwordHash, event) {
      const user = users.rows.get(userId);
      if (!user) return null;
      Object.assign(user, { passwordHash, tokenVersion: user.tokenVersion + 1, updatedAt: event.at });
      const reset = tokenOf(userId, "password_reset");
      if (reset) tokens.delete(reset.tokenHash);
      await audit.record(event);
      return structuredClone(user);
    },
    async erase(userId, pseudonym, event) {
      if (!users.rows.has(userId)) return false;
      for (const recorded of audit.events) if (recorded.userId === userId) recorded.userId = pseudonym;
      await audit.record(event);
      for (const [hash, token] of tokens) if (token.userId === userId) tokens.delete(hash);
      for (const [identifier, id] of users.identifiers) if (id === userId) users.identifiers.delete(identifier);
      users.rows.delete(userId);
      return true;
    },
  };
}

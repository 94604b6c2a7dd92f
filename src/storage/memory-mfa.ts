// In-memory twin of the MfaStore, held to the D1 adapter's behaviour by
// test/mfa/store-contract.test.ts. Each method runs to completion between awaits, so a
// consumption here is as atomic as the D1 statement.
import { memoryAuditStore } from "./memory-security";
import type { MfaChallenge, MfaStore, TotpFactor } from "./ports";

type RecoveryCode = { userId: string; createdAt: number; usedAt: number | null };

export function memoryMfaStore(audit = memoryAuditStore()): MfaStore & {
  totp: Map<string, TotpFactor>;
  codes: Map<string, RecoveryCode>;
  challenges: Map<string, MfaChallenge>;
  audit: typeof audit;
} {
  const totp = new Map<string, TotpFactor>();
  const codes = new Map<string, RecoveryCode>();
  const challenges = new Map<string, MfaChallenge>();
  const dropCodes = (userId: string) => {
    for (const [hash, code] of codes) if (code.userId === userId) codes.delete(hash);
  };
  const setCodes = (userId: string, hashes: readonly string[], now: number) => {
    dropCodes(userId);
    for (const hash of hashes) codes.set(hash, { userId, createdAt: now, usedAt: null });
  };

  return {
    totp,
    codes,
    challenges,
    audit,
    async putPendingTotp(userId, secret, now) {
      if (totp.get(userId)?.confirmedAt != null) return "confirmed";
      totp.set(userId, { userId, secret, createdAt: now, confirmedAt: null, lastStep: null });
      return "pending";
    },
    async findTotp(userId) {
      const factor = totp.get(userId);
      return factor ? { ...factor } : null;
    },
    async confirmTotp(userId, secret, step, codeHashes, now, event) {
      const factor = totp.get(userId);
      if (!factor || factor.secret !== secret || factor.confirmedAt !== null) return false;
      Object.assign(factor, { confirmedAt: now, lastStep: step });
      setCodes(userId, codeHashes, now);
      void audit.record(event);
      return true;
    },
    async acceptTotpStep(userId, step) {
      const factor = totp.get(userId);
      if (!factor || factor.confirmedAt === null || (factor.lastStep !== null && factor.lastStep >= step)) return false;
      factor.lastStep = step;
      return true;
    },
    async reencryptTotp(userId, from, to) {
      const factor = totp.get(userId);
      if (!factor || factor.secret !== from) return false;
      factor.secret = to;
      return true;
    },
    async removeTotp(userId, dropRecoveryCodes, event) {
      if (totp.get(userId)?.confirmedAt == null) return false;
      totp.delete(userId);
      if (dropRecoveryCodes) dropCodes(userId);
      await audit.record(event);
      return true;
    },
    async replaceRecoveryCodes(userId, codeHashes, now, event) {
      setCodes(userId, codeHashes, now);
      await audit.record(event);
    },
    async useRecoveryCode(userId, codeHash, now, event) {
      const code = codes.get(codeHash);
      if (!code || code.userId !== userId || code.usedAt !== null) return false;
      code.usedAt = now;
      void audit.record(event);
      return true;
    },
    async factors(userId) {
      const recoveryCodes = [...codes.values()].filter((code) => code.userId === userId && code.usedAt === null).length;
      return { totp: totp.get(userId)?.confirmedAt != null, recoveryCodes };
    },
    async resetAll(userId, event) {
      totp.delete(userId);
      dropCodes(userId);
      for (const [hash, challenge] of challenges) if (challenge.userId === userId) challenges.delete(hash);
      await audit.record(event);
    },
    async issueChallenge(challenge, now, event) {
      for (const [hash, other] of challenges) if (other.userId === challenge.userId && other.expiresAt <= now) challenges.delete(hash);
      challenges.set(challenge.tokenHash, { ...challenge });
      await audit.record(event);
    },
    async findChallenge(tokenHash, now) {
      const challenge = challenges.get(tokenHash);
      return challenge && challenge.expiresAt > now ? { ...challenge } : null;
    },
    async consumeChallenge(tokenHash, now) {
      const challenge = challenges.get(tokenHash);
      if (!challenge || challenge.expiresAt <= now) return null;
      challenges.delete(tokenHash);
      return { ...challenge };
    },
  };
}

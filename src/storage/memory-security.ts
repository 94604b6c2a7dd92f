// In-memory twins of the LoginAttemptStore and AuditStore, held to the D1 adapters' behaviour by
// test/storage/security-contract.test.ts.
import { lockAfter } from "../throttling/lockout-policy";
import type { AuditEvent, AuditStore, LoginAttemptStore } from "./ports";

export function memoryAuditStore(): AuditStore & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return {
    events,
    async record(event) {
      events.push(structuredClone(event));
    },
  };
}

export function memoryLoginAttemptStore(audit = memoryAuditStore()): LoginAttemptStore & {
  rows: Map<string, { failures: number; lockedUntil: number | null; updatedAt: number }>;
  audit: typeof audit;
} {
  const rows = new Map<string, { failures: number; lockedUntil: number | null; updatedAt: number }>();
  return {
    rows,
    audit,
    async lockedUntil(subjects, now) {
      const until = Math.max(...subjects.map((subject) => rows.get(subject)?.lockedUntil ?? 0));
      return until > now ? until : null;
    },
    async recordFailure(subject, now, policy, events) {
      for (const [key, row] of rows) if (row.updatedAt <= now - policy.windowMs && (row.lockedUntil ?? 0) <= now) rows.delete(key);
      const previous = rows.get(subject);
      const failures = previous && previous.updatedAt > now - policy.windowMs ? previous.failures + 1 : 1;
      const lockedUntil = lockAfter(failures, now, policy);
      rows.set(subject, { failures, lockedUntil, updatedAt: now });
      await audit.record(events.failure);
      if (lockedUntil !== null) await audit.record({ ...events.lockout, detail: { failures, locked_until: lockedUntil } });
      return { failures, lockedUntil };
    },
    async recordSuccess(subject, event) {
      rows.delete(subject);
      await audit.record(event);
    },
    async clearSubjects(subjects) {
      for (const subject of subjects) rows.delete(subject);
    },
  };
}

// In-memory twins of the LoginAttemptStore and AuditStore, held to the D1 adapters' behaviour by
// test/storage/security-contract.test.ts.
import { failuresAfter, lockAfter, streakOver } from "../throttling/lockout-policy";
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

type Counter = { failures: number; lockedUntil: number | null; updatedAt: number };

export function memoryLoginAttemptStore(audit = memoryAuditStore()): LoginAttemptStore & {
  rows: Map<string, Counter>;
  /** Known source digest → expiry (epoch ms). */
  sources: Map<string, number>;
  audit: typeof audit;
} {
  const rows = new Map<string, Counter>();
  const sources = new Map<string, number>();
  return {
    rows,
    sources,
    audit,
    async lockState(subjects, source, now) {
      const subject = subjects[0]!;
      const counter = source !== null && (sources.get(source) ?? 0) > now ? source : subject;
      const held = counter === subject ? subjects : [counter];
      const until = Math.max(...held.map((key) => rows.get(key)?.lockedUntil ?? 0));
      return { counter, lockedUntil: until > now ? until : null };
    },
    async recordFailure(counter, now, policy, events) {
      for (const [key, row] of rows) if (streakOver(row, now, policy)) rows.delete(key);
      const failures = failuresAfter(rows.get(counter), now, policy);
      const lockedUntil = lockAfter(failures, now, policy);
      rows.set(counter, { failures, lockedUntil, updatedAt: now });
      await audit.record(events.failure);
      if (lockedUntil !== null) await audit.record({ ...events.lockout, detail: { failures, locked_until: lockedUntil } });
      return { failures, lockedUntil };
    },
    async recordSuccess(counter, event, known) {
      rows.delete(counter);
      if (known) {
        for (const [key, expiresAt] of sources) if (expiresAt <= known.now) sources.delete(key);
        sources.set(known.source, known.expiresAt);
      }
      await audit.record(event);
    },
    async clearSubjects(subjects) {
      for (const subject of subjects) rows.delete(subject);
    },
  };
}

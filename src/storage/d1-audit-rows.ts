// Audit rows written in the same db.batch() as the change they record (D1's only transaction), and
// only when that change applies: each insert is guarded by a condition on the changed row.
import type { AuditEvent } from "./ports";

/** An INSERT of `event` that adds its row only when `condition` (SQL over ?7...) holds. */
export const auditRowWhen = (db: D1Database, event: AuditEvent, condition: string, ...conditionArgs: unknown[]) =>
  db
    .prepare(`INSERT INTO audit_events (at, event, user_id, subject, ip, detail) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ${condition}`)
    .bind(event.at, event.event, event.userId, event.subject, event.ip, JSON.stringify(event.detail), ...conditionArgs);

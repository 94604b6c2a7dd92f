// UserDirectory on D1: the administrator's listings, as keysets so a page never repeats or skips a
// row when others are inserted meanwhile (an OFFSET would). Users are ordered by their normalised
// username (UNIQUE, so a total order); audit events by id, newest first.
import { COLUMNS, toRecord, type UserRow } from "./d1-users";
import { guardStorage } from "./guard";
import type { Page, StoredAuditEvent, UserDirectory } from "./ports";

/** Every string that starts with the prefix sorts in [prefix, prefix + U+10FFFF) (binary collation). */
const startsWith = (column: string, arg: string) => `(${column} >= ${arg} AND ${column} < ${arg} || char(1114111))`;

/** Runs `sql` for limit + 1 rows: the extra one only says whether another page exists. */
async function page<Row, T>(db: D1Database, sql: string, args: unknown[], limit: number, map: (row: Row) => T, key: (row: Row) => string): Promise<Page<T>> {
  const { results } = await db.prepare(`${sql} LIMIT ${limit + 1}`).bind(...args).all<Row>();
  const rows = results.slice(0, limit);
  return { items: rows.map(map), after: results.length > limit ? key(rows[rows.length - 1]!) : null };
}

interface AuditRow {
  id: number;
  at: string;
  event: StoredAuditEvent["event"];
  user_id: string | null;
  subject: string | null;
  ip: string | null;
  detail: string;
}

const toEvent = (row: AuditRow): StoredAuditEvent => ({ id: row.id, at: row.at, event: row.event, userId: row.user_id, subject: row.subject, ip: row.ip, detail: JSON.parse(row.detail) });

export function d1UserDirectory(db: D1Database): UserDirectory {
  return {
    findUser(id) {
      return guardStorage("directory.findUser", async () => {
        const row = await db.prepare(`SELECT ${COLUMNS} FROM users u WHERE u.id = ?`).bind(id).first<UserRow>();
        return row ? toRecord(row) : null;
      });
    },

    countActiveAdmins() {
      return guardStorage("directory.countActiveAdmins", async () => {
        const row = await db.prepare("SELECT count(*) AS n FROM users u WHERE u.is_active = 1 AND EXISTS (SELECT 1 FROM json_each(u.roles) WHERE value = 'admin')").first<{ n: number }>();
        return row?.n ?? 0;
      });
    },

    searchUsers({ prefix, after, limit }) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (prefix !== null) {
        args.push(prefix);
        where.push(`(${startsWith("u.username_normalized", "?1")} OR ${startsWith("u.email_normalized", "?1")})`);
      }
      if (after !== null) {
        args.push(after);
        where.push(`u.username_normalized > ?${args.length}`);
      }
      const sql = `SELECT ${COLUMNS}, u.username_normalized AS sort_key FROM users u ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY u.username_normalized`;
      return guardStorage("directory.searchUsers", () => page(db, sql, args, limit, toRecord, (row: UserRow & { sort_key: string }) => row.sort_key));
    },

    listAudit({ userId, event, after, limit }) {
      const where: string[] = [];
      const args: unknown[] = [];
      const add = (condition: string, value: unknown) => {
        args.push(value);
        where.push(condition.replace("?", `?${args.length}`));
      };
      if (userId !== null) add("user_id = ?", userId);
      if (event !== null) add("event = ?", event);
      if (after !== null) add("id < ?", Number(after));
      const sql = `SELECT id, at, event, user_id, subject, ip, detail FROM audit_events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC`;
      return guardStorage("directory.listAudit", () => page(db, sql, args, limit, toEvent, (row: AuditRow) => String(row.id)));
    },
  };
}

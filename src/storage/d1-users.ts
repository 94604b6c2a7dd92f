// UserStore on D1. Uniqueness is enforced by UNIQUE indexes on normalised identifiers; the user
// row and its identifiers are written in one db.batch(), D1's only transaction.
import { auditRowWhen } from "./d1-audit-rows";
import { guardStorage } from "./guard";
import { isLastAdminRefusal } from "./last-admin";
import { distinctIdentifiers, type UserChange, type UserRecord, type UserStore } from "./ports";

export interface UserRow {
  id: string;
  username: string;
  email: string | null;
  email_verified: number;
  password_hash: string;
  roles: string;
  is_active: number;
  token_version: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

const COLUMN_NAMES = ["id", "username", "email", "email_verified", "password_hash", "roles", "is_active", "token_version", "created_at", "updated_at", "last_login_at"];
export const COLUMNS = COLUMN_NAMES.map((name) => `u.${name}`).join(", ");

export function toRecord(row: UserRow): UserRecord {
  let roles: string[] = [];
  try {
    const parsed = JSON.parse(row.roles);
    if (Array.isArray(parsed)) roles = parsed.filter((r): r is string => typeof r === "string");
  } catch {
    roles = [];
  }
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: row.email_verified === 1,
    passwordHash: row.password_hash,
    roles,
    isActive: row.is_active === 1,
    tokenVersion: row.token_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

/** The SET clause of an administrator's change; ?1 is the id and ?2 the time. */
function assignments(change: UserChange): { sql: string; args: unknown[] } {
  const parts = ["updated_at = ?2"];
  const args: unknown[] = [];
  const set = (column: string, value: unknown) => {
    args.push(value);
    parts.push(`${column} = ?${args.length + 2}`);
  };
  if (change.roles !== undefined) set("roles", JSON.stringify(change.roles));
  if (change.isActive !== undefined) set("is_active", change.isActive ? 1 : 0);
  if (change.email !== undefined) {
    set("email", change.email.email);
    set("email_normalized", change.email.normalized);
    // SET reads the old row, so a new address is unverified and the
    // same one (in another case) keeps its state, whatever a concurrent request did meanwhile.
    if (change.emailVerified === undefined) parts.push(`email_verified = CASE WHEN email_normalized IS ?${args.length + 2} THEN email_verified ELSE 0 END`);
  }
  if (change.emailVerified !== undefined) set("email_verified", change.emailVerified ? 1 : 0);
  if (change.endSessions) parts.push("token_version = token_version + 1");
  return { sql: parts.join(", "), args };
}

/** A changed email moves the account's email login identifier; the username's stays. */
function identifierMoves(db: D1Database, id: string, normalized: string | null): D1PreparedStatement[] {
  const drop = db.prepare("DELETE FROM login_identifiers WHERE user_id = ?1 AND identifier <> (SELECT username_normalized FROM users WHERE id = ?1)").bind(id);
  if (normalized === null) return [drop];
  return [drop, db.prepare("INSERT INTO login_identifiers (identifier, user_id) SELECT ?2, id FROM users WHERE id = ?1 AND username_normalized <> ?2").bind(id, normalized)];
}

// The last-admin trigger's RAISE(ABORT) is a SQLITE_CONSTRAINT too: it is not a taken identifier.
const isUniqueViolation = (error: unknown) => error instanceof Error && /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(error.message) && !isLastAdminRefusal(error);

export function d1UserStore(db: D1Database): UserStore {
  return {
    async create(user, identifiers) {
      const statements = [
        db
          .prepare(
            `INSERT INTO users (id, username, username_normalized, email, email_normalized, email_verified, password_hash, roles, is_active, token_version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .bind(user.id, user.username, identifiers.username, user.email, identifiers.email, user.emailVerified ? 1 : 0, user.passwordHash, JSON.stringify(user.roles), user.isActive ? 1 : 0, user.tokenVersion, user.createdAt, user.updatedAt),
        ...distinctIdentifiers(identifiers).map((identifier) => db.prepare("INSERT INTO login_identifiers (identifier, user_id) VALUES (?, ?)").bind(identifier, user.id)),
      ];
      return guardStorage("users.create", async () => {
        try {
          await db.batch(statements);
          return "created" as const;
        } catch (error) {
          if (isUniqueViolation(error)) return "conflict" as const;
          throw error;
        }
      });
    },

    findByIdentifier(identifier) {
      return guardStorage("users.findByIdentifier", async () => {
        const row = await db
          .prepare(`SELECT ${COLUMNS} FROM login_identifiers li JOIN users u ON u.id = li.user_id WHERE li.identifier = ?`)
          .bind(identifier)
          .first<UserRow>();
        return row ? toRecord(row) : null;
      });
    },

    findById(id) {
      return guardStorage("users.findById", async () => {
        const row = await db.prepare(`SELECT ${COLUMNS} FROM users u WHERE u.id = ?`).bind(id).first<UserRow>();
        return row ? toRecord(row) : null;
      });
    },

    recordLogin(id, at, newPasswordHash) {
      return guardStorage("users.recordLogin", async () => {
        await db
          .prepare("UPDATE users SET last_login_at = ?1, password_hash = COALESCE(?2, password_hash), updated_at = CASE WHEN ?2 IS NULL THEN updated_at ELSE ?1 END WHERE id = ?3")
          .bind(at, newPasswordHash ?? null, id)
          .run();
      });
    },

    update(id, change, at, events) {
      const { sql, args } = assignments(change);
      const statements = [
        db.prepare(`UPDATE users SET ${sql} WHERE id = ?1 RETURNING ${COLUMN_NAMES.join(", ")}`).bind(id, at, ...args),
        ...(change.email !== undefined ? identifierMoves(db, id, change.email.normalized) : []),
        ...events.map((event) => auditRowWhen(db, event, "EXISTS (SELECT 1 FROM users WHERE id = ?7)", id)),
      ];
      return guardStorage("users.update", async () => {
        try {
          const [updated] = await db.batch<UserRow>(statements);
          const row = updated?.results[0];
          return row ? toRecord(row) : ("not_found" as const);
        } catch (error) {
          if (isUniqueViolation(error)) return "conflict" as const;
          throw error;
        }
      });
    },

    bumpTokenVersion(id, at) {
      return guardStorage("users.bumpTokenVersion", async () => {
        const row = await db
          .prepare("UPDATE users SET token_version = token_version + 1, updated_at = ? WHERE id = ? RETURNING token_version")
          .bind(at, id)
          .first<{ token_version: number }>();
        return row?.token_version ?? 0;
      });
    },
  };
}

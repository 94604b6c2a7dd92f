// UserStore on D1. Uniqueness is enforced by UNIQUE indexes on normalised identifiers; the user
// row and its identifiers are written in one db.batch(), D1's only transaction.
import { guardStorage } from "./guard";
import { distinctIdentifiers, type UserRecord, type UserStore } from "./ports";

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

export const COLUMNS = "u.id, u.username, u.email, u.email_verified, u.password_hash, u.roles, u.is_active, u.token_version, u.created_at, u.updated_at, u.last_login_at";

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

const isUniqueViolation = (error: unknown) => error instanceof Error && /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(error.message);

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

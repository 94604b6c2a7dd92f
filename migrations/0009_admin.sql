-- edge-auth schema, migration 9: administration. Service clients for the client_credentials grant
-- (DESIGN.md §7.3), and the rule that at least one active admin always remains.

-- A service client authenticates with client_id and client_secret. The secret is 256 random bits,
-- shown once; only its HMAC-SHA-256 (src/clients/secret.ts) is stored.
CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY,                   -- random UUID, never reused
  name TEXT NOT NULL,                           -- what the operator called it
  scopes TEXT NOT NULL DEFAULT '[]',            -- JSON array of RFC 6749 scope-tokens
  secret_hash TEXT NOT NULL,                    -- hmac_sha256$<base64url MAC>
  created_at TEXT NOT NULL,
  secret_rotated_at TEXT                        -- last POST /admin/clients/{id}/secret
);

-- An account is an active admin when is_active = 1 and roles holds "admin". No statement may leave
-- none: the check runs inside the writing statement, so two admins demoting each other at once
-- cannot both succeed (D1 runs one write at a time) and no writer (API, CLI, account deletion,
-- hand-written SQL) can bypass it. RAISE aborts the statement and rolls back its whole batch.
CREATE TRIGGER IF NOT EXISTS users_keep_an_admin_on_update
AFTER UPDATE OF roles, is_active ON users
WHEN OLD.is_active = 1 AND EXISTS (SELECT 1 FROM json_each(OLD.roles) WHERE value = 'admin')
  AND NOT (NEW.is_active = 1 AND EXISTS (SELECT 1 FROM json_each(NEW.roles) WHERE value = 'admin'))
BEGIN
  SELECT RAISE(ABORT, 'edge-auth: last active admin')
  WHERE NOT EXISTS (SELECT 1 FROM users u, json_each(u.roles) r WHERE u.is_active = 1 AND r.value = 'admin');
END;

CREATE TRIGGER IF NOT EXISTS users_keep_an_admin_on_delete
AFTER DELETE ON users
WHEN OLD.is_active = 1 AND EXISTS (SELECT 1 FROM json_each(OLD.roles) WHERE value = 'admin')
BEGIN
  SELECT RAISE(ABORT, 'edge-auth: last active admin')
  WHERE NOT EXISTS (SELECT 1 FROM users u, json_each(u.roles) r WHERE u.is_active = 1 AND r.value = 'admin');
END;

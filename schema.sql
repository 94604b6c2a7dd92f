-- edge-auth schema, migration 1: accounts and their login identifiers.
-- D1 has no BEGIN; multi-statement writes go through db.batch(), which is one transaction.

CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,                          -- random UUID, immutable, never reused
  username TEXT NOT NULL,                       -- as the user typed it (after NFKC)
  username_normalized TEXT NOT NULL UNIQUE,
  email TEXT,
  email_normalized TEXT UNIQUE,
  password_hash TEXT NOT NULL,                  -- self-describing: pbkdf2_sha512$100000$salt$hash
  roles TEXT NOT NULL DEFAULT '[]',             -- JSON array of strings
  is_active INTEGER NOT NULL DEFAULT 1,
  token_version INTEGER NOT NULL DEFAULT 0,     -- bumped by logout-all, password change, disable
  failed_login_count INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,                         -- epoch ms; exact counters live here, not in KV
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_login_at TEXT
);

-- One login identifier (normalised username or email) names at most one account, across both
-- namespaces: a username may look like an email only when it is that user's own email.
CREATE TABLE IF NOT EXISTS login_identifiers (
  identifier TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS login_identifiers_user ON login_identifiers(user_id);

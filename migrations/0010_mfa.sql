-- edge-auth schema, migration 10: the second factor (DESIGN.md §7.5, docs/mfa.md). TOTP secrets
-- (encrypted), recovery codes (hashed) and the single-use mfa_token of a login's second step. All
-- in D1, not KV: single use (an mfa_token, a recovery code, a TOTP time step) must hold under
-- concurrent requests, which takes a conditional UPDATE/DELETE ... RETURNING (KV has no
-- compare-and-set), and an enrollment or a reset must hold everywhere at once (KV takes ~60 s).

-- One TOTP factor per user. Pending (confirmed_at NULL) until a first code is checked; a new
-- enrollment replaces a pending row, never a confirmed one.
CREATE TABLE IF NOT EXISTS mfa_totp (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,                         -- AES-256-GCM: base64url(iv || ciphertext), the user id as AAD
  created_at INTEGER NOT NULL,                  -- epoch ms
  confirmed_at INTEGER,                         -- epoch ms; NULL while pending
  last_step INTEGER                             -- the last accepted RFC 6238 time step: replay guard
);

-- Ten single-use codes per user, stored only as SHA-256 (base64url) of the 80-bit code.
CREATE TABLE IF NOT EXISTS mfa_recovery_codes (
  code_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,                  -- epoch ms
  used_at INTEGER                               -- epoch ms; set once, by the one request that wins
);
CREATE INDEX IF NOT EXISTS mfa_recovery_codes_user ON mfa_recovery_codes (user_id);

-- The mfa_token a password check issues: 5 minutes, consumed by the DELETE ... RETURNING of the
-- second step that succeeds. Bound to the user's token_version and the login's answer mode.
CREATE TABLE IF NOT EXISTS mfa_challenges (
  token_hash TEXT PRIMARY KEY,                  -- SHA-256 (base64url) of the 256-bit token
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_version INTEGER NOT NULL,               -- the user's when the password was checked
  mode TEXT NOT NULL,                           -- 'token' | 'cookie': how the session is answered
  expires_at INTEGER NOT NULL                   -- epoch ms
);
CREATE INDEX IF NOT EXISTS mfa_challenges_user ON mfa_challenges (user_id);

-- edge-auth schema, migration 11: passkeys (WebAuthn credentials, docs/passkeys.md) and the
-- challenges already spent. A credential id is globally unique (the authenticator chose 16+
-- random bytes), so it is the key; it is not a secret, nor is the public key.
CREATE TABLE IF NOT EXISTS passkeys (
  id TEXT PRIMARY KEY,                          -- credential id, base64url
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,                           -- the user's label
  public_key TEXT NOT NULL,                     -- JWK (JSON) of the credential public key
  algorithm INTEGER NOT NULL,                   -- COSE: -8 EdDSA, -7 ES256, -257 RS256
  sign_count INTEGER NOT NULL,                  -- the last signature counter seen; only grows
  transports TEXT NOT NULL DEFAULT '[]',        -- JSON array of AuthenticatorTransport hints
  backup_eligible INTEGER NOT NULL,             -- flag BE at registration
  backed_up INTEGER NOT NULL,                   -- flag BS at the last use
  aaguid TEXT NOT NULL,                         -- all zeros under attestation "none"
  created_at TEXT NOT NULL,                     -- ISO 8601
  last_used_at TEXT                             -- ISO 8601
);
CREATE INDEX IF NOT EXISTS passkeys_user ON passkeys(user_id, created_at);

-- Every challenge a ceremony has used: the primary key makes single use hold under concurrent
-- and cross-location replays, which KV (no compare-and-set, ~60 s propagation) cannot. A row is
-- useless after expires_at, when the KV record it guards is gone too; the retention run deletes it.
CREATE TABLE IF NOT EXISTS webauthn_spent_challenges (
  challenge TEXT PRIMARY KEY,                   -- base64url, as issued
  expires_at INTEGER NOT NULL                   -- epoch ms
);
CREATE INDEX IF NOT EXISTS webauthn_spent_challenges_expiry ON webauthn_spent_challenges(expires_at);

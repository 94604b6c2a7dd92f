// results.md rows for the second peer (Better Auth) and for our login with PASSWORD_HASH=pbkdf2_sha256,
// placed under the scenario of ours each one is compared with (lib/ratios-better-auth.mjs).
const COUNTERPARTS = { login: ["login"], refresh: ["token_mint"], me: ["session_get", "jwt_get"] };
const NAMES = {
  login: "login (scrypt)",
  token_mint: "JWT mint (GET /api/auth/token)",
  session_get: "session GET (GET /api/auth/get-session)",
  jwt_get: "JWKS-verified GET (jose, its JWKS)",
};

/** Rows that follow our scenario `name` in the side-by-side table; `phaseRows` (and `extra`) are report.mjs's. */
export function betterAuthRows(results, name, phaseRows, { side = "better_auth", label = "Better Auth", extra } = {}) {
  const rows = [];
  if (name === "login" && side === "better_auth") rows.push(...phaseRows("edge-auth, PBKDF2-SHA-256", { "login (pbkdf2_sha256)": results.sides.ours_pbkdf2_sha256.scenarios.login }));
  const peer = results.sides[side]?.scenarios ?? {}; // better_auth_wrangler_dev: not in --quick
  for (const counterpart of COUNTERPARTS[name] ?? []) {
    if (peer[counterpart]) rows.push(...phaseRows(label, { [NAMES[counterpart]]: peer[counterpart] }, extra));
  }
  return rows;
}

export function betterAuthLine(results) {
  const side = results.sides.better_auth;
  return `Better Auth ${side.versions.better_auth} (jose ${side.versions.jose}, kysely ${side.versions.kysely}): ${side.runtime}; ${side.signing}; KDF ${side.kdf}.
Ours with PASSWORD_HASH=pbkdf2_sha256: ${results.sides.ours_pbkdf2_sha256.kdf} = ${Number(results.sides.ours_pbkdf2_sha256.kdf_cpu_ms).toFixed(2)} ms CPU (floor).`;
}

/** plot.svg bars for Better Auth beside ours and SimpleJWT: `pick(phase)` gives each bar's value(s). */
export function betterAuthBars(results, name, label, pick) {
  const peer = results.sides.better_auth.scenarios;
  // A phase the mode did not run (its login at 50 connections outside the recorded run) has no bar.
  return (COUNTERPARTS[name] ?? []).flatMap((counterpart) => (peer[counterpart][label] ? pick(peer[counterpart][label], "better_auth") : []));
}

// Issue 14's goals against the second peer, Better Auth, in the same workerd (lib/peer-better-auth.mjs).
// Login is compared at 1 connection, like our own KDF floor (lib/ratios.mjs says why not at 50);
// the req/s goals at 50 connections, where both sides saturate the worker's one thread.
import { check, ratio } from "./verdicts.mjs";

/** Context: the same comparisons with both sides under `wrangler dev` (how issue 14 first measured them). */
function underWranglerDev(ours, peer) {
  const cpu = (phase) => phase.cpu_ms_per_request;
  return {
    login_cpu_vs_better_auth_wrangler_dev: ratio(cpu(ours.login.c1), cpu(peer.login.c1)),
    refresh_rps_vs_better_auth_token_mint_c50_wrangler_dev: ratio(ours.refresh.c50.rps, peer.token_mint.c50.rps),
    me_rps_vs_better_auth_session_get_c50_wrangler_dev: ratio(ours.me.c50.rps, peer.session_get.c50.rps),
    me_rps_vs_better_auth_jwt_get_c50_wrangler_dev: ratio(ours.me.c50.rps, peer.jwt_get.c50.rps),
  };
}

/** `refreshCeilingRps`: the req/s of a refresh costing only its floor (lib/ratios.mjs). */
export function betterAuthRatios(results, refreshCeilingRps) {
  const ours = results.sides.ours.scenarios;
  const sha256 = results.sides.ours_pbkdf2_sha256.scenarios;
  const peer = results.sides.better_auth.scenarios;
  const cpu = (phase) => phase.cpu_ms_per_request;
  return {
    // Our default hasher (PBKDF2-SHA-512, 100k) against its default (scrypt N=16384, r=16).
    login_cpu_vs_better_auth: check(ratio(cpu(ours.login.c1), cpu(peer.login.c1)), "<= 1.0", (v) => v <= 1.0),
    // PASSWORD_HASH=pbkdf2_sha256 (100k), the configuration that fits the Free plan best.
    login_cpu_pbkdf2_sha256_vs_better_auth: check(ratio(cpu(sha256.login.c1), cpu(peer.login.c1)), "<= 0.35", (v) => v <= 0.35),
    // A rotating refresh (session read + write + sign) against its JWT mint (session read + key read + decrypt + sign).
    refresh_rps_vs_better_auth_token_mint_c50: check(ratio(ours.refresh.c50.rps, peer.token_mint.c50.rps), ">= 3", (v) => v >= 3),
    me_rps_vs_better_auth_session_get_c50: check(ratio(ours.me.c50.rps, peer.session_get.c50.rps), ">= 5", (v) => v >= 5),
    me_rps_vs_better_auth_jwt_get_c50: check(ratio(ours.me.c50.rps, peer.jwt_get.c50.rps), ">= 1", (v) => v >= 1),
    // Context: the best refresh ratio one workerd thread could reach if a refresh cost only its
    // floor, whose KV put is Miniflare's emulator in this process (a subrequest on Cloudflare).
    refresh_rps_ceiling_vs_better_auth_token_mint_c50: ratio(refreshCeilingRps, peer.token_mint.c50.rps),
    // Context: the same comparisons as CPU per request.
    refresh_cpu_vs_better_auth_token_mint_c50: ratio(cpu(ours.refresh.c50), cpu(peer.token_mint.c50)),
    me_cpu_vs_better_auth_session_get_c50: ratio(cpu(ours.me.c50), cpu(peer.session_get.c50)),
    me_cpu_vs_better_auth_jwt_get_c50: ratio(cpu(ours.me.c50), cpu(peer.jwt_get.c50)),
    ...(results.sides.better_auth_wrangler_dev ? underWranglerDev(results.sides.ours_wrangler_dev.scenarios, results.sides.better_auth_wrangler_dev.scenarios) : {}),
  };
}

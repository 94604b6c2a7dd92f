// The scenarios both sides are driven through, each at 1 connection (latency) and at 50
// (throughput): login, refresh (following rotation), an authenticated GET, and ours alone: forward
// auth (the sub-request a gateway makes for every request), the JWKS and token introspection (a
// gateway's per-request call, RFC 7662).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { request } from "./http.mjs";
import { runPhase, wrkThreads } from "./load.mjs";

/** How each side spells the same flows (ours: the README's Native API; the peer: seed 001). */
export const SIDES = {
  ours: {
    login: "/auth/login",
    refresh: { path: "/auth/refresh", template: '{"refresh_token":"%s"}', field: "refresh_token" },
    me: "/auth/me",
    forwardAuth: "/auth/verify",
    jwks: "/.well-known/jwks.json",
    introspect: "/oauth/introspect",
    tokens: (body) => ({ access: body.access_token, refresh: body.refresh_token }),
  },
  peer: {
    login: "/api/token/",
    refresh: { path: "/api/token/refresh/", template: '{"refresh":"%s"}', field: "refresh" },
    me: "/api/me/",
    tokens: (body) => ({ access: body.access, refresh: body.refresh }),
  },
};

/**
 * A phase where every request is one password hash: at 50 connections the first response only
 * comes after ~50 hashes (2–3 s on an idle core, twice that on a busy machine), so a short phase
 * would complete no request at all (seen with 5 s while other test suites ran beside it).
 */
export const hashBoundSeconds = (seconds, connections) => (connections > 1 ? Math.max(seconds, 8) : seconds);

/**
 * Our login interleaves its storage calls with 49 others' hashes, so its first answer comes after
 * about `connections` hashes at the rate the machine gives now: measured by the hash-only phase
 * right before it (`kdfPhase`, floors.kdf_under_load). On a loaded machine (load average 10–15 on
 * 2 cores, 4 hashes/s) 8 s and even 15 s completed no login at all. The phase lasts at least 1.5×
 * that wait plus half its own length: unchanged on a quiet machine (~20 hashes/s), longer on a busy one.
 */
export const loginSeconds = (seconds, connections, kdfPhase) =>
  connections > 1 && kdfPhase?.rps > 0 ? Math.max(seconds, Math.ceil((1.5 * connections) / kdfPhase.rps + seconds / 2)) : seconds;

/**
 * Refresh chains for a phase: two per connection plus a spare per wrk thread (wrk/refresh-chain.lua).
 * A connection the server closes with a request in flight loses that chain (its token was spent,
 * the successor never arrived); workerd closes all 50 at once now and then (bench/README.md), and
 * with one chain per connection the queues then ran dry and replayed tokens: a flood of 401s from
 * reuse detection instead of the 50 read errors that happened.
 */
export const refreshChains = (connections) => 2 * connections + wrkThreads(connections);

async function login(url, side, credentials) {
  const { status, text, headers } = await request(url + side.login, { method: "POST", body: credentials });
  if (status !== 200) throw new Error(`login at ${url}${side.login}: ${status} ${text}`);
  return side.tokens(JSON.parse(text), headers);
}

/** `count` fresh sessions, a few logins at a time (each costs one password hash). */
async function freshSessions(url, side, credentials, count) {
  const sessions = [];
  while (sessions.length < count) {
    const batch = Math.min(4, count - sessions.length);
    sessions.push(...(await Promise.all(Array.from({ length: batch }, () => login(url, side, credentials)))));
  }
  return sessions;
}

/** RFC 6749 §2.3.1 client_secret_basic: each part form-urlencoded, then base64. */
const basicAuth = ({ client_id, client_secret }) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client_id)}:${encodeURIComponent(client_secret)}`).toString("base64")}`;

/** The introspection scenario's request (also sent to the floor's POST route: lib/body-floor.mjs). */
export const introspectionRequest = (token, client) => ({ BENCH_METHOD: "POST", BENCH_BODY: JSON.stringify({ token }), BENCH_AUTHORIZATION: basicAuth(client) });

/**
 * Runs every scenario of `side` against `target` ({ url, cpu }); `client` ({ client_id,
 * client_secret }, a service client) introspects the session's access token on every request;
 * `floorsBefore` ({ login?, refresh? }: `(label, connections, seconds)` => a phase) runs a floor of
 * the same work right before each such phase, under the same load (the KDF before a login, whose
 * phase also sets how long the login phase must be: `loginSeconds`; a refresh's storage calls and
 * signature before a refresh);
 * `only` limits the run to the named scenarios, `loginConnections` the login's phases. A side may add its own (`side.scenarios(url,
 * session)`, e.g. Better Auth's token mint). Returns { login: { c1, c50 }, refresh?: {...},
 * me?: {...}, forward_auth?: {...}, jwks?: {...}, introspect?: {...}, ...the side's own }.
 */
export async function runScenarios({ target, side, username, password, durations, connections, workdir, warmup, floorsBefore = {}, client, only, loginConnections }) {
  const credentials = JSON.stringify(side.credentials ? side.credentials(username, password) : { username, password });
  const [session] = await freshSessions(target.url, side, credentials, 1);
  const base = { cpu: target.cpu };
  const all = {
    login: { url: target.url + side.login, env: { BENCH_METHOD: "POST", BENCH_BODY: credentials } },
    ...(side.refresh ? { refresh: { url: target.url + side.refresh.path, script: "refresh-chain", chains: true } } : {}),
    ...(side.me ? { me: { url: target.url + side.me, env: { BENCH_METHOD: "GET", BENCH_AUTHORIZATION: `Bearer ${session.access}` } } } : {}),
    ...(side.forwardAuth ? { forward_auth: { url: target.url + side.forwardAuth, env: { BENCH_METHOD: "GET", BENCH_AUTHORIZATION: `Bearer ${session.access}` } } } : {}),
    ...(side.jwks ? { jwks: { url: target.url + side.jwks, env: { BENCH_METHOD: "GET" } } } : {}),
    // JSON body (the wrk script's one content type; the endpoint takes it as well as a form).
    ...(side.introspect && client ? { introspect: { url: target.url + side.introspect, env: introspectionRequest(session.access, client) } } : {}),
    ...(side.scenarios ? await side.scenarios(target.url, session) : {}),
  };
  const scenarios = Object.fromEntries(Object.entries(all).filter(([name]) => !only || only.includes(name)));
  const results = {};
  for (const [name, scenario] of Object.entries(scenarios)) {
    results[name] = {};
    const phases = name === "login" && loginConnections ? loginConnections : connections;
    for (const [label, conns] of Object.entries(phases)) {
      let env = scenario.env ?? {};
      if (scenario.chains) {
        // One fresh refresh chain per connection; the previous phase advanced the old ones.
        const file = path.join(workdir, `tokens-${name}-${label}.txt`);
        const chains = await freshSessions(target.url, side, credentials, refreshChains(conns));
        writeFileSync(file, chains.map((s) => s.refresh).join("\n") + "\n");
        env = { BENCH_TOKENS: file, BENCH_BODY_TEMPLATE: side.refresh.template, BENCH_TOKEN_FIELD: side.refresh.field };
      }
      if (warmup > 0 && !scenario.chains && label === Object.keys(phases)[0]) {
        await runPhase({ ...base, url: scenario.url, env, connections: 2, seconds: warmup }); // JIT warm-up, not recorded
      }
      let seconds = name === "login" ? hashBoundSeconds(durations[label], conns) : durations[label];
      const floorPhase = floorsBefore[name] ? await floorsBefore[name](label, conns, seconds) : undefined;
      if (name === "login") seconds = loginSeconds(seconds, conns, floorPhase);
      results[name][label] = await runPhase({ ...base, url: scenario.url, script: scenario.script, env, connections: conns, seconds });
    }
  }
  return results;
}

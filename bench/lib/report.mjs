// results.md: the tables a reader needs, rendered from results.json.
import { betterAuthLine, betterAuthRows } from "./report-better-auth.mjs";
import { renderStartup } from "./startup.mjs";
import { renderTail } from "./tail.mjs";

const SCENARIO_NAMES = { login: "login", refresh: "refresh (rotation)", me: "authenticated GET", forward_auth: "forward auth (GET /auth/verify)", jwks: "JWKS", introspect: "introspection" };
const fmt = (value, digits = 2) => (value === null || value === undefined ? "–" : Number(value).toFixed(digits));

function phaseRows(sideLabel, scenarios, extra = () => []) {
  const rows = [];
  for (const [name, phases] of Object.entries(scenarios)) {
    for (const [label, p] of Object.entries(phases)) {
      rows.push([SCENARIO_NAMES[name] ?? name, sideLabel, label.slice(1), fmt(p.rps, 0), fmt(p.p50_ms), fmt(p.p99_ms), String(p.errors), fmt(p.cpu_ms_per_request, 3), ...extra(p)]);
    }
  }
  return rows;
}

const table = (header, rows) => [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

const wranglerNode = (p) => [fmt(p.cpu_ms_per_request_by_process?.wrangler_node, 3)];

export function renderMarkdown(results) {
  const { machine, sides, floors, ratios } = results;
  const ours = sides.ours.scenarios;
  const peer = sides.peer.scenarios;
  const interleaved = [];
  for (const name of Object.keys(ours)) {
    interleaved.push(...phaseRows("edge-auth", { [name]: ours[name] }));
    if (peer[name]) interleaved.push(...phaseRows("SimpleJWT", { [name]: peer[name] }));
    interleaved.push(...betterAuthRows(results, name, phaseRows));
  }
  const checks = Object.entries(ratios).filter(([, v]) => v && typeof v === "object");
  const context = Object.entries(ratios).filter(([, v]) => !v || typeof v !== "object");
  return `# edge-auth benchmark (${results.mode}, ${results.started_at})

Machine: ${machine.cpu_model}, ${machine.cpus} cores, ${machine.memory_gib} GiB, ${machine.os}; Node ${machine.node},
wrangler ${machine.wrangler}, ${machine.workerd}; load generator ${results.load_generator}; load average before
${machine.loadavg_before.join(" ")}, after ${machine.loadavg_after.join(" ")}. Phases: ${results.phase_seconds.c1} s at 1 connection,
${results.phase_seconds.c50} s at 50.

## Targets (primary runtime: workerd through Miniflare)

${table(["figure", "value", "target", "met"], checks.map(([name, c]) => [name, String(c.value), c.target, c.met ? "yes" : "**no**"]))}

Context: ${context.map(([name, v]) => `${name} ${v ?? "–"}`).join(", ")}.

## Side by side

Ours: ${sides.ours.runtime}; ${sides.ours.signing}; KDF ${sides.ours.kdf} = ${fmt(sides.ours.kdf_cpu_ms)} ms CPU.
Peer: ${sides.peer.runtime} (Django ${sides.peer.versions.django}, DRF ${sides.peer.versions.djangorestframework}, SimpleJWT ${sides.peer.versions.simplejwt}, gunicorn ${sides.peer.versions.gunicorn}, Python ${sides.peer.versions.python}); ${sides.peer.signing}; KDF ${sides.peer.kdf} = ${fmt(sides.peer.kdf_cpu_ms)} ms CPU.
${betterAuthLine(results)}
CPU ms/req is the server's own processes (workerd; gunicorn master + workers) over the phase, divided by its requests.

${table(["scenario", "side", "conns", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms/req"], interleaved)}

${renderTail(results, table, fmt)}
## Floors (inside workerd, same run)

${table(
  ["operation", "CPU ms"],
  [
    [`PBKDF2 ${floors.kdf_configured.algorithm} ${floors.kdf_configured.iterations} (configured)`, fmt(floors.kdf_configured.cpu_ms)],
    ["PBKDF2 pbkdf2_sha256 100000", fmt(floors.kdf_pbkdf2_sha256_100k.cpu_ms)],
    ["PBKDF2 pbkdf2_sha512 100000", fmt(floors.kdf_pbkdf2_sha512_100k.cpu_ms)],
    [`sign one access token (${sides.ours.signing})`, fmt(floors.sign_cpu_ms, 3)],
    ["verify one access token", fmt(floors.verify_cpu_ms, 3)],
    ["local KV emulator: one session read (`get`, json)", fmt(floors.storage_cpu_ms.kv_get, 3)],
    ["local KV emulator: one session write (`put` with a TTL)", fmt(floors.storage_cpu_ms.kv_put, 3)],
    ["local D1 emulator: one user row read by id", fmt(floors.storage_cpu_ms.d1_read, 3)],
    ["local rate-limit emulator: one `limit()` call", fmt(floors.storage_cpu_ms.rate_limit, 3)],
    [`a refresh's floor (hello-world at 50 conn + limiter + KV get + KV put + sign); best ratio one thread could reach: ${fmt(ratios.refresh_rps_ceiling_vs_peer_c50)}× the peer`, fmt(ratios.refresh_floor_cpu_ms, 3)],
    ...Object.entries(floors.hello).map(([label, p]) => [`hello-world Hono route, ${label.slice(1)} conn (${fmt(p.rps, 0)} req/s, p50 ${fmt(p.p50_ms)} ms)`, fmt(p.cpu_ms_per_request, 3)]),
    ...Object.entries(floors.hello_post_json).map(([label, p]) => [`hello-world route as a POST reading the introspection's JSON body, ${label.slice(1)} conn (${fmt(p.rps, 0)} req/s)`, fmt(p.cpu_ms_per_request, 3)]),
    ...Object.entries(floors.kdf_under_load).map(([label, p]) => [`one configured hash per request, ${label.slice(1)} conn (${fmt(p.rps, 0)} req/s)`, fmt(p.cpu_ms_per_request)]),
  ],
)}

${renderStartup(results)}${sides.ours_wrangler_dev ? renderWranglerDev(results) : ""}`;
}

/** Both sides as \`wrangler dev\` runs them (recorded run only: bench/run.mjs). */
function renderWranglerDev(results) {
  const { sides } = results;
  return `## Ours as \`npm start\` runs it (wrangler dev)

${sides.ours_wrangler_dev.runtime}.

${table(
  ["scenario", "side", "conns", "req/s", "p50 ms", "p99 ms", "errors", "workerd CPU ms/req", "wrangler Node CPU ms/req"],
  Object.keys(sides.ours_wrangler_dev.scenarios).flatMap((name) => [
    ...phaseRows("edge-auth (wrangler dev)", { [name]: sides.ours_wrangler_dev.scenarios[name] }, wranglerNode),
    ...betterAuthRows(results, name, phaseRows, { side: "better_auth_wrangler_dev", label: "Better Auth (wrangler dev)", extra: wranglerNode }),
  ]),
)}
`;
}

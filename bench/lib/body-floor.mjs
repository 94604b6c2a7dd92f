// Issue 12's introspection target is ≤ 1.2× the authenticated GET's CPU; a POST pays something a
// GET does not: workerd handing the body to JavaScript (bench/README.md, "Introspection"). This
// measures that floor in every run: the floor worker's hello route as a POST whose JSON body is
// read (`POST /hello/json`), with the introspection scenario's own body and headers, against the
// same route as a GET (floors.hello), so the report can show whose cost introspection is.
import { runPhase } from "./load.mjs";
import { introspectionRequest } from "./scenarios.mjs";
import { check, ratio } from "./verdicts.mjs";

/** Phases of POST /hello/json on the floor worker (`floor`: { url, pids }), one per connection count (the bench: 50). */
export async function measureBodyFloor({ floor, token, client, durations, connections }) {
  const phases = {};
  for (const [label, conns] of Object.entries(connections)) {
    phases[label] = await runPhase({ url: `${floor.url}/hello/json`, env: introspectionRequest(token, client), connections: conns, seconds: durations[label], cpu: { worker: floor.pids } });
  }
  return phases;
}

export function bodyFloorRatios(results) {
  const { hello, hello_post_json: post } = results.floors;
  const cpu = (phase) => phase.cpu_ms_per_request;
  const bodyRead = post.c50 && hello.c50 ? Math.max(0, cpu(post.c50) - cpu(hello.c50)) : null;
  const me = cpu(results.sides.ours.scenarios.me.c50);
  return {
    // The same 1.2 applied to what is ours: the GET plus the runtime's cost of reading a POST body.
    introspect_cpu_vs_me_plus_body_floor_c50: check(ratio(cpu(results.sides.ours.scenarios.introspect.c50), bodyRead === null ? null : me + bodyRead), "<= 1.2", (v) => v <= 1.2),
    // Context: the body read alone, as a share of the GET (the 1.2 target allows 0.2).
    body_floor_vs_me_c50: ratio(bodyRead, me),
  };
}

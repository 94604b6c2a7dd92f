// A hello-world Hono Worker: the runtime's own floor under the benchmark's load (tail latency,
// bench/lib/tail.mjs), started exactly as edge-auth's primary target is.
import { Hono } from "hono";

export default new Hono().get("/", (c) => c.text("ok"));

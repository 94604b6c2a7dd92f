// The hello-world Hono Worker from Hono's own Cloudflare Workers template, the reference for two
// measurements (issue 14): cold start (bundled with the service's wrangler.toml, same minify and
// date, started with the service's bindings, so only the script differs: bench/lib/cold-start.mjs)
// and the runtime's own latency tail under the benchmark's load (bench/hello.wrangler.toml,
// started as edge-auth's primary target: bench/lib/tail.mjs).
import { Hono } from "hono";

const app = new Hono();
app.get("/", (c) => c.text("Hello Hono!"));

export default app;

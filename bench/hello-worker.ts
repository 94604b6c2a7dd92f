// The cold-start reference (issue 14): the hello-world Hono Worker from Hono's own Cloudflare
// Workers template, bundled with the service's wrangler.toml (same minify, same date) and started
// with the service's bindings, so only the script differs (bench/lib/cold-start.mjs).
import { Hono } from "hono";

const app = new Hono();
app.get("/", (c) => c.text("Hello Hono!"));

export default app;

// GET /openapi.json (README "Native API"; docs/native-api.md). Public, like the discovery metadata.
// The document is generated at build time (scripts/build/openapi.mjs runs src/openapi/document.ts
// in Node) into Workers Static Assets, so the generator is not in the worker's bundle. The worker
// still answers the path, rather than the platform straight from public/: the route keeps its
// Content-Type, its Cache-Control and its 405 in the native dialect, and stays in the route table
// that test/e2e/openapi.test.ts compares with the document.
import { Hono } from "hono";
import type { AppEnv } from "../http/types";

/** Where scripts/build/openapi.mjs writes the document under public/. */
export const OPENAPI_ASSET = "/generated/openapi.json";

export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", async (c) => {
  const conditional = c.req.header("If-None-Match");
  const asset = await c.env.ASSETS.fetch(new URL(OPENAPI_ASSET, c.req.url), { headers: conditional ? { "If-None-Match": conditional } : {} });
  // A deployment without the build step is a bug: 500, and the log says which file is missing.
  if (!asset.ok && asset.status !== 304) throw new Error(`${OPENAPI_ASSET} answered ${asset.status}: run scripts/build.mjs before deploying`);
  const etag = asset.headers.get("ETag");
  const headers = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300", ...(etag ? { ETag: etag } : {}) };
  return new Response(asset.status === 304 ? null : asset.body, { status: asset.status, headers });
});

// GET /openapi.json (README "Native API"; docs/native-api.md). Public, like the discovery metadata.
import { Hono } from "hono";
import type { AppEnv } from "../http/types";
import { openApiJson } from "./document";

export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) => {
  c.header("Cache-Control", "public, max-age=300");
  c.header("Content-Type", "application/json; charset=utf-8");
  return c.body(openApiJson());
});

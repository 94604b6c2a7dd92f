// Path parameters. Record ids are UUIDs: anything else names no record (404), not a bad request.
import type { Context } from "hono";
import type { AppEnv } from "./types";

export const idParam = (c: Context<AppEnv>): string => {
  const id = c.req.param("id") ?? "";
  return /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : "";
};

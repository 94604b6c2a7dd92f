// Query strings, held to the same rules as bodies: a strict schema (an unknown parameter is a 400,
// not silently ignored) and each parameter given at most once (which of two values a proxy or a
// cache would honour is anybody's guess).
import type { Context } from "hono";
import type * as z from "zod/mini";
import { invalidFields, validate } from "./body";
import type { AppEnv } from "./types";

export function readQuery<S extends z.ZodMiniType>(c: Context<AppEnv>, schema: S): z.infer<S> {
  const all = c.req.queries();
  const repeated = Object.keys(all).find((name) => all[name]!.length > 1);
  if (repeated !== undefined) throw invalidFields({ [repeated]: "Give this parameter once." });
  return validate(schema, Object.fromEntries(Object.entries(all).map(([name, values]) => [name, values[0]])));
}

// Route groups loaded on first use (issue 14): the worker is built with esbuild code splitting
// (scripts/build/worker.mjs), so a dynamic import() here becomes a separate uploaded module that a
// new isolate neither downloads into its first script nor parses until a request needs it. The
// stub registers every method and path of the group up front, so app.routes (the 405 answers'
// Allow table) is unchanged; its handler hands the request to the loaded group with this
// request's context variables (rt, errorShape), and the group's errors are rethrown to the app's
// one error handler.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../http/types";

export type RouteTable = ReadonlyArray<readonly [method: string, path: string]>;

// The parent context of a request being handed over: keyed by the Request object itself, which
// the stub passes on unchanged.
const handedOver = new WeakMap<Request, Context<AppEnv>>();

/** A stub for `table` (paths relative to `base`) that loads the real group on its first request. */
export function lazyRoutes(base: string, table: RouteTable, load: () => Promise<Hono<AppEnv>>): Hono<AppEnv> {
  let loaded: Promise<Hono<AppEnv>> | undefined;
  const group = () =>
    (loaded ??= load().then((routes) => {
      const app = new Hono<AppEnv>();
      app.use(async (c, next) => {
        const parent = handedOver.get(c.req.raw);
        if (parent) for (const [name, value] of Object.entries(parent.var)) c.set(name as keyof AppEnv["Variables"], value as never);
        await next();
      });
      app.onError((error) => {
        throw error;
      });
      return app.route(base, routes);
    }));
  const stub = new Hono<AppEnv>();
  for (const [method, path] of table) {
    stub.on(method.toUpperCase(), path, async (c) => {
      const app = await group();
      handedOver.set(c.req.raw, c);
      return app.fetch(c.req.raw, c.env, executionContextOf(c));
    });
  }
  return stub;
}

/** Hono's c.executionCtx throws when the app was called without one (app.request in tests). */
function executionContextOf(c: Context<AppEnv>) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

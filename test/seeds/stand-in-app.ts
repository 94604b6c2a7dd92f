// The migrating application in front of the worker, for the seeds' examples. The seeds call the
// app's own endpoints (/api/endpoint, /api/search, /api/v1/runs) next to the auth ones; those are
// not auth endpoints, so this stand-in answers them after asking the worker whether the request's
// credential is good, and passes every other request through to the worker untouched.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { freePort, startWorker, type RunningWorker } from "../e2e/worker";

/** App endpoint → the worker route that authenticates its credential in the same dialect. */
const APP_ENDPOINTS: Record<string, string> = { "/api/endpoint": "/api/user/", "/api/search": "/api/auth/me", "/api/v1/runs": "/api/v1/auth/me" };
/** Seed 000 documents its app's own 401 body; the check route (seed 004's) speaks DRF. */
const REFUSALS: Record<string, unknown> = { "/api/endpoint": { error: "Authentication required", status: 401 } };
const FORWARDED = ["authorization", "cookie", "origin", "content-type", "x-csrftoken", "access-control-request-method", "access-control-request-headers"];

export interface StandInApp {
  url: string;
  /** Every request the app endpoints answered, for assertions. */
  calls: { method: string; path: string; status: number }[];
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

const cookieOf = (header: string | undefined, name: string) => header?.split(/;\s*/).find((c) => c.startsWith(`${name}=`))?.slice(name.length + 1);

export async function startStandInApp(workerUrl: string): Promise<StandInApp> {
  const calls: StandInApp["calls"] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://stand-in");
    const headers = Object.fromEntries(FORWARDED.flatMap((h) => (req.headers[h] ? [[h, String(req.headers[h])]] : [])));
    const check = APP_ENDPOINTS[url.pathname];
    if (check && req.method !== "OPTIONS") {
      // Django's own CSRF middleware would guard the app's unsafe cookie requests; double submit here.
      const unsafe = !["GET", "HEAD"].includes(req.method!) && cookieOf(headers.cookie, "sessionid");
      const answer = unsafe && headers["x-csrftoken"] !== cookieOf(headers.cookie, "csrftoken")
        ? new Response(JSON.stringify({ error: "CSRF verification failed. Request aborted.", status: 403 }), { status: 403 })
        : await fetch(`${workerUrl}${check}`, { headers });
      const user = answer.ok ? await answer.json() : undefined;
      calls.push({ method: req.method!, path: url.pathname, status: answer.status });
      for (const [name, value] of answer.headers) if (name.startsWith("access-control-") || name === "www-authenticate") res.setHeader(name, value);
      res.writeHead(answer.status, { "content-type": "application/json" });
      const refusal = answer.status === 401 ? REFUSALS[url.pathname] : undefined;
      res.end(answer.ok ? JSON.stringify({ app: "stand-in", path: url.pathname, user }) : refusal ? JSON.stringify(refusal) : await answer.text());
      return;
    }
    const body = ["GET", "HEAD"].includes(req.method!) ? undefined : await readBody(req);
    const upstream = await fetch(`${workerUrl}${url.pathname}${url.search}`, { method: req.method, headers, body, redirect: "manual" });
    for (const [name, value] of upstream.headers) if (name !== "set-cookie" && name !== "content-length" && name !== "content-encoding") res.setHeader(name, value);
    if (upstream.headers.getSetCookie().length) res.setHeader("set-cookie", upstream.headers.getSetCookie());
    res.writeHead(upstream.status);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, calls, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A worker started as `npm start` does, with the stand-in app in front of it. */
export async function startSeedStack(vars: Record<string, string> = {}): Promise<{ worker: RunningWorker; app: StandInApp; stop(): Promise<void> }> {
  const worker = await startWorker(vars);
  const app = await startStandInApp(worker.url).catch(async (error) => {
    await worker.stop();
    throw error;
  });
  return { worker, app, stop: async () => (await app.stop(), await worker.stop()) };
}

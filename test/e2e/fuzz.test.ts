// Property-based fuzzing of every JSON and form endpoint in FUZZ_ENDPOINTS over real HTTP:
// generated bodies, content types, methods and headers. Never a 5xx, never a stack trace, every
// error in the endpoint's documented shape. `npm test` runs a sample; `npm run fuzz` runs
// FUZZ_RUNS=10000 (override with the environment variable). Every body an endpoint does not read
// (its `accepts`) is refused with that dialect's exact 415.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyEncoding, FUZZ_ENDPOINTS, unsupportedMediaType, type FuzzEndpoint } from "./fuzz-endpoints";
import { startWorker, type RunningWorker } from "./worker";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const STACK_TRACE = /\n\s+at\s|\bat\s+\S+\s+\(|\.(ts|js):\d+|Error: /;

let worker: RunningWorker;
let realTokens: { access_token: string; refresh_token: string };

beforeAll(async () => {
  // A cheap KDF keeps the fuzzer about inputs, not hashing; the code paths are the same.
  worker = await startWorker({ PASSWORD_ITERATIONS: "1000", ALLOWED_ORIGINS: "https://app.example" });
  const response = await fetch(`${worker.url}/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: `fuzz${crypto.randomUUID().slice(0, 8)}`, password: "correct horse battery staple" }),
  });
  realTokens = (await response.json()) as typeof realTokens;
}, 120_000);
afterAll(async () => worker?.stop());

const printable = (maxLength: number) => fc.string({ unit: "grapheme-ascii", maxLength });
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("", " ", "\u0000", "admin", "a@b.co", "correct horse battery staple", "é".repeat(600), "x".repeat(2000)));
const fieldValue = fc.oneof(anyText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(anyText, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), anyText, { maxKeys: 3 }));

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/problem+json") },
  { weight: 2, arbitrary: fc.constantFrom("application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "text/plain", "application/xml", "") },
  { weight: 1, arbitrary: printable(40) },
);
// Plausible values reach the deeper paths (hashing, sessions, conflicts), not just validation.
const plausible = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_.]{2,12}$/), fc.constantFrom("correct horse battery staple", "fuzz@example.com", "password", "12345678", "REAL_REFRESH"), fc.boolean());

function bodyFor(endpoint: FuzzEndpoint) {
  const keys = fc.oneof(fc.constantFrom(...(endpoint.fields.length ? endpoint.fields : ["x"])), fc.string({ maxLength: 10 }), fc.constantFrom("__proto__", "constructor", "toString"));
  const object = fc.dictionary(keys, fieldValue, { maxKeys: 6 });
  const likely = fc.record(Object.fromEntries(endpoint.fields.map((f) => [f, plausible])), { requiredKeys: [] });
  return fc.oneof(
    likely.map((o) => JSON.stringify(o)),
    object.map((o) => JSON.stringify(o)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    object.map((o) => new URLSearchParams(Object.entries(o).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])).toString()),
    object.map((o) => JSON.stringify(o).slice(0, -1)), // truncated JSON
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.constantFrom("", "null", "[]", "{}", '{"password":', "\uFEFF{}", `{"password":"${"p".repeat(70_000)}"}`),
  );
}

const token = fc.oneof(printable(60), fc.constantFrom("", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "x.0.y.z"), fc.constant("REAL_ACCESS"), fc.constant("REAL_REFRESH"));
const headers = fc.record(
  {
    Authorization: fc.oneof(token.map((t) => `Bearer ${t}`), printable(60)),
    Cookie: fc.tuple(token, token).map(([a, r]) => `edge_access=${a}; edge_refresh=${r}`),
    Origin: fc.oneof(fc.constantFrom("https://app.example", "https://evil.example", "null"), printable(30)),
    "Access-Control-Request-Method": fc.constantFrom("POST", "GET", "DELETE"),
    Accept: printable(30),
  },
  { requiredKeys: [] },
);
const method = (endpoint: FuzzEndpoint) => fc.oneof({ weight: 8, arbitrary: fc.constant(endpoint.method) }, { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD") });

const request = fc.constantFrom(...FUZZ_ENDPOINTS).chain((endpoint) =>
  fc.record({ endpoint: fc.constant(endpoint), method: method(endpoint), contentType, body: bodyFor(endpoint), headers, ip: fc.ipV4() }),
);

const real = (value: string) => value.replaceAll("REAL_ACCESS", realTokens.access_token).replaceAll("REAL_REFRESH", realTokens.refresh_token);

describe("fuzzing every JSON and form endpoint", () => {
  it(`answers ${RUNS} generated requests without a 5xx or a stack trace, every error documented`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ endpoint, method, contentType, body, headers, ip }) => {
        const sent: Record<string, string> = { "CF-Connecting-IP": ip, ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, real(v!)])) };
        if (contentType) sent["Content-Type"] = contentType;
        let response: Response;
        try {
          response = await fetch(`${worker.url}${endpoint.path}`, { method, headers: sent, body: method === "GET" || method === "HEAD" ? undefined : real(body) });
        } catch (error) {
          if (error instanceof TypeError && /header|Header|ByteString/.test(String(error.message) + String((error as { cause?: Error }).cause?.message))) return; // fetch refused to send it
          throw error;
        }
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${method} ${endpoint.path} ${contentType} ${body.slice(0, 200)}`).toBeLessThan(500);
        expect(text).not.toMatch(STACK_TRACE);
        if (response.status >= 400 && method !== "HEAD") {
          expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
          expect(endpoint.isDocumentedError(response.status, JSON.parse(text)), `${response.status} ${text}`).toBe(true);
        }
        // Other refusals (origin, throttle, size) may come first; a body of the wrong type is never acted on.
        const unread = endpoint.accepts !== null && method === endpoint.method && !endpoint.accepts.includes(bodyEncoding(contentType)!);
        if (unread) expect(response.status, `${method} ${endpoint.path} ${contentType} → ${response.status} ${text}`).toBeGreaterThanOrEqual(400);
        if (unread && response.status === (endpoint.mediaTypeStatus ?? 415)) expect(JSON.parse(text)).toEqual(unsupportedMediaType(endpoint));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`fuzz: ${RUNS} requests; by status ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(RUNS * 0.95);
  }, 60_000 + RUNS * 100);
});

// What a cross-site page can send without a preflight (a form: urlencoded, multipart, text/plain)
// plus other types no endpoint reads, each with every credential a browser would attach.
const UNREAD_TYPES = ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/jsonx", ""];

describe("bodies of a type an endpoint does not read", () => {
  const readers = FUZZ_ENDPOINTS.filter((endpoint) => endpoint.accepts !== null);
  const cases = readers.flatMap((endpoint) => UNREAD_TYPES.filter((type) => !endpoint.accepts!.includes(bodyEncoding(type)!)).map((type) => [endpoint.path, type, endpoint] as const));

  it.each(cases)("%s refuses Content-Type %j with its dialect's exact 415 (OAuth: 400)", async (path, type, endpoint) => {
    const body = JSON.stringify(Object.fromEntries(endpoint.fields.map((field) => [field, field.includes("refresh") ? realTokens.refresh_token : "correct horse battery staple"])));
    const headers: Record<string, string> = {
      "CF-Connecting-IP": `10.41.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      Cookie: `edge_access=${realTokens.access_token}; edge_refresh=${realTokens.refresh_token}`,
      Authorization: `Bearer ${realTokens.access_token}`,
    };
    if (type) headers["Content-Type"] = type;
    const response = await fetch(`${worker.url}${path}`, { method: endpoint.method, headers, body });
    expect([response.status, response.headers.get("Content-Type"), await response.json()]).toEqual([endpoint.mediaTypeStatus ?? 415, "application/json", unsupportedMediaType(endpoint)]);
  });
});

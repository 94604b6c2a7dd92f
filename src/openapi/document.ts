// The OpenAPI 3.1 document, built from operations.ts. Request bodies and query parameters are
// z.toJSONSchema() of the very schemas the handlers validate with; OpenAPI 3.1's Schema Object is
// JSON Schema draft 2020-12, zod 4's default target, so no translation is needed. Run at build
// time only (scripts/build/openapi.mjs writes public/generated/openapi.json): the worker never
// imports this file, so neither the generator nor the operation table is in its bundle.
import * as z from "zod/mini";
import { ACCESS_COOKIE } from "../http/cookies";
import { SESSION_COOKIE } from "../http/csrf";
import { DIALECTS, errorResponse, errorSchemaName, type Dialect } from "./errors";
import { OPERATIONS, type Operation } from "./operations";

type JsonSchema = Record<string, unknown>;

/** The input side (before defaults and transforms) is what a client sends. */
export function requestSchema(schema: z.ZodMiniType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return json;
}

function parameters(op: Operation): JsonSchema[] {
  const path = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string" } }));
  if (!op.query) return path;
  const query = requestSchema(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return [
    ...path,
    ...Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: "query", required: query.required?.includes(name) ?? false, schema })),
  ];
}

function requestBody(op: Operation): JsonSchema | undefined {
  if (!op.body) return undefined;
  const schema = requestSchema(op.body);
  const json = { "application/json": { schema } };
  const form = { "application/x-www-form-urlencoded": { schema } };
  const content = op.oauthParams ? { ...form, ...json } : op.form ? { ...json, ...form } : json;
  return { required: true, content };
}

const SECURITY: Record<NonNullable<Operation["auth"]>, JsonSchema[]> = {
  bearer: [{ bearer: [] }, { accessCookie: [] }],
  cookie: [{ sessionCookie: [] }],
  admin: [{ bearer: [] }],
  client: [{ clientBasic: [] }, {}],
};

function operation(op: Operation): JsonSchema {
  const responses: Record<string, JsonSchema> = { [op.ok[0]]: { description: op.ok[1] } };
  for (const status of op.errors) responses[status] = errorResponse(op.dialect, status);
  const body = requestBody(op);
  return {
    operationId: `${op.method}_${op.path.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")}`,
    tags: [op.tag],
    summary: op.summary,
    ...(parameters(op).length > 0 ? { parameters: parameters(op) } : {}),
    ...(body ? { requestBody: body } : {}),
    ...(op.auth ? { security: SECURITY[op.auth] } : {}),
    responses,
  };
}

export function buildDocument(operations: Operation[] = OPERATIONS): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operation(op);
  const schemas = Object.fromEntries(Object.entries(DIALECTS).map(([dialect, schema]) => [errorSchemaName(dialect as Dialect), schema]));
  return {
    openapi: "3.1.0",
    info: { title: "edge-auth", version: "0.1.0", description: "Authentication at the edge: the native API, account lifecycle, sessions, admin, OAuth, forward auth and the compatibility profiles. Each group answers errors in its own dialect (components.schemas.*Error)." },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        accessCookie: { type: "apiKey", in: "cookie", name: ACCESS_COOKIE, description: "Cookie mode (__Host- prefixed over HTTPS)." },
        sessionCookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
        clientBasic: { type: "http", scheme: "basic", description: "Service client credentials (or client_id/client_secret in the body)." },
      },
    },
  };
}

/** The serialised document, as the build writes it. */
export function openApiJson(): string {
  return JSON.stringify(buildDocument());
}

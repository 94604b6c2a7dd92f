// GET /openapi.json, checked in Node (the validator reads its meta-schemas from disk): every
// mounted route is in the document and nothing else is, a maintained OpenAPI 3.1 validator accepts
// it, and request bodies are derived from the zod/mini schemas the handlers validate with.
import { Validator } from "@seriousme/openapi-schema-validator";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { createApp } from "../../src/app";
import { buildDocument, requestSchema } from "../../src/openapi/document";
import { OPERATIONS } from "../../src/openapi/operations";
import { PROFILE_GATES } from "../../src/profiles";
import * as auth from "../../src/routes/auth";
import { clientCredentialsParams, introspectParams, refreshTokenParams, tokenParams } from "../../src/oauth/params";

type Doc = { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>> };

/** `.all()` routes answer every method (forward auth mirrors the original request's method). */
const ALL_METHODS = ["delete", "get", "head", "options", "patch", "post", "put"];
const middlewarePaths = new Set(PROFILE_GATES.map(([path]) => path));

function mountedOperations(): string[] {
  const operations = new Set<string>();
  for (const { method, path } of createApp().routes) {
    // app.use() entries are middleware (method ALL on a wildcard or a profile gate's path).
    if (method === "ALL" && (path.includes("*") || middlewarePaths.has(path))) continue;
    const openApiPath = path.replace(/:(\w+)/g, "{$1}");
    for (const m of method === "ALL" ? ALL_METHODS : [method.toLowerCase()]) operations.add(`${m} ${openApiPath}`);
  }
  return [...operations].sort();
}

function documentedOperations(doc: Doc): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
    .sort();
}

describe("GET /openapi.json", () => {
  const doc = buildDocument() as Doc;

  it("documents exactly the mounted routes, method by method (both ways)", () => {
    const mounted = mountedOperations();
    expect(mounted).toContain("delete /auth/sessions/{id}");
    expect(mounted).toContain("post /oauth/introspect");
    expect(mounted).toContain("get /api/user/");
    expect(documentedOperations(doc)).toEqual(mounted);
  });

  it("a route left out of the table is caught", () => {
    const fewer = buildDocument(OPERATIONS.filter((op) => op.path !== "/admin/clients/{id}/secret")) as Doc;
    const missing = mountedOperations().filter((op) => !documentedOperations(fewer).includes(op));
    expect(missing).toEqual(["post /admin/clients/{id}/secret"]);
  });

  it("is valid OpenAPI 3.1 for @seriousme/openapi-schema-validator", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(doc)));
    expect(result).toEqual({ valid: true });
    expect(validator.version).toBe("3.1");
  });

  it("a structurally broken document is refused by the same validator (the check is live)", async () => {
    const broken = { ...doc, paths: { ...doc.paths, "/auth/me": { get: { responses: "none" } } } };
    const result = await new Validator().validate(JSON.parse(JSON.stringify(broken)));
    expect(result.valid).toBe(false);
  });

  it("the /auth/login body is the handler's own zod schema, converted", () => {
    const login = OPERATIONS.find((op) => op.method === "post" && op.path === "/auth/login")!;
    expect(login.body).toBe(auth.loginBody);
    expect(doc.paths["/auth/login"]!.post!.requestBody!.content["application/json"]!.schema).toEqual({
      type: "object",
      properties: {
        identifier: expect.objectContaining({ type: "string" }),
        username: expect.objectContaining({ type: "string" }),
        email: expect.objectContaining({ type: "string" }),
        password: expect.objectContaining({ type: "string" }),
        mode: { default: "token", type: "string", enum: ["token", "cookie"] },
      },
      required: ["password"],
    });
  });

  it("changing the zod schema changes the document (derived, not hand-written)", () => {
    const changed = z.extend(auth.loginBody, { otp: z.string().check(z.length(6)) });
    const operations = OPERATIONS.map((op) => (op.body === auth.loginBody && op.path === "/auth/login" ? { ...op, body: changed } : op));
    const schema = (buildDocument(operations) as Doc).paths["/auth/login"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(schema).toEqual(requestSchema(changed));
    expect(schema).toMatchObject({ properties: { otp: { type: "string", minLength: 6, maxLength: 6 } }, required: ["password", "otp"] });
  });

  it("the /oauth/* parameters are the schemas the handlers validate with, form first (RFC 6749), JSON too", () => {
    const token = OPERATIONS.find((op) => op.path === "/oauth/token")!;
    expect(token.body).toBe(tokenParams);
    const content = doc.paths["/oauth/token"]!.post!.requestBody!.content;
    expect(Object.keys(content)).toEqual(["application/x-www-form-urlencoded", "application/json"]);
    expect(content["application/x-www-form-urlencoded"]!.schema).toEqual(requestSchema(tokenParams));
    expect(content["application/json"]!.schema).toMatchObject({
      oneOf: [
        { properties: { grant_type: { const: "client_credentials" } }, required: ["grant_type"] },
        { properties: { grant_type: { const: "refresh_token" }, refresh_token: { type: "string", minLength: 1, maxLength: 8192 } }, required: ["grant_type", "refresh_token"] },
      ],
    });
    expect(requestSchema(tokenParams)).toEqual({ oneOf: [requestSchema(clientCredentialsParams), requestSchema(refreshTokenParams)] });
    expect(doc.paths["/oauth/introspect"]!.post!.requestBody!.content["application/json"]!.schema).toEqual(requestSchema(introspectParams));
  });

  it("the file the worker serves is this document, as the build wrote it (the e2e global setup runs scripts/build.mjs)", () => {
    const built = readFileSync(path.resolve(import.meta.dirname, "../../public/generated/openapi.json"), "utf8");
    expect(built).toBe(JSON.stringify(buildDocument()));
  });

  it("every error status points at its dialect's schema", () => {
    const responses = (path: string, method: string) => (buildDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }).paths[path]![method]!.responses;
    expect(responses("/oauth/token", "post")["401"]).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/OauthError" } } } });
    expect(responses("/api/auth/login", "post")["422"]).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/BearerApiError" } } } });
    expect(responses("/api/token/", "post")["401"]).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/SimplejwtError" } } } });
  });
});

import { describe, expect, it } from "vitest";
import { testEnv } from "../helpers";

describe("schema", () => {
  it("applies every migration to local D1: users and login_identifiers exist with their unique indexes", async () => {
    const tables = await testEnv.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'login_identifiers') ORDER BY name").all<{ name: string }>();
    expect(tables.results.map((r) => r.name)).toEqual(["login_identifiers", "users"]);
    const uniques = await testEnv.DB.prepare("SELECT name FROM pragma_index_list('users') WHERE \"unique\" = 1 ORDER BY name").all<{ name: string }>();
    expect(uniques.results.length).toBeGreaterThanOrEqual(3);
  });
});

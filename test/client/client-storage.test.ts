// Token storage adapters and the event emitter's isolation of listeners.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuthClient, localStorageStore, memoryStore } from "../../src/client/index";
import { fakeService, json, recordingStorage, tokens } from "./fake-service";

const BASE = "https://auth.example.com";

describe("edge-auth/client storage", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("localStorageStore() wraps the page's localStorage and is shared between tabs", () => {
    const local = recordingStorage();
    vi.stubGlobal("localStorage", local);
    const store = localStorageStore();
    store.setItem("k", "v");
    expect([store.getItem("k"), local.items.get("k"), store.shared]).toEqual(["v", "v", true]);
    store.removeItem("k");
    expect(local.writes).toEqual(["set k", "remove k"]);
  });

  it("localStorageStore() without a localStorage says so instead of failing later", () => {
    // workerd, like Node 20, has no localStorage.
    expect(() => localStorageStore()).toThrow(new TypeError("localStorageStore: no localStorage in this runtime; pass a Web Storage object or use memoryStore()"));
  });

  it("memoryStore() is not shared: a token client over it opens no channel to other tabs", () => {
    const opened = vi.fn();
    vi.stubGlobal("BroadcastChannel", class { constructor() { opened(); } postMessage() {} close() {} onmessage = null; });
    createAuthClient({ baseUrl: BASE, mode: "token", storage: memoryStore() });
    expect(opened).not.toHaveBeenCalled();
    createAuthClient({ baseUrl: BASE, mode: "cookie" }).close();
    expect(opened).toHaveBeenCalledTimes(1);
  });

  it("a stored value that is not the client's record is no session", () => {
    const storage = recordingStorage();
    storage.items.set(`edge-auth:${BASE}`, "{not json");
    expect(createAuthClient({ baseUrl: BASE, mode: "token", storage }).user).toBeNull();
    storage.items.set(`edge-auth:${BASE}`, JSON.stringify({ user: tokens(1).user }));
    expect(createAuthClient({ baseUrl: BASE, mode: "token", storage }).user).toBeNull();
  });

  it("a listener that throws is reported, and neither stops the other listeners nor fails the sign-in", async () => {
    const reported = vi.fn();
    vi.stubGlobal("reportError", reported);
    const service = fakeService({ "POST /auth/login": () => json(tokens(1)) });
    const auth = createAuthClient({ baseUrl: BASE, mode: "token", fetch: service.fetch });
    const failure = new Error("render failed");
    const after = vi.fn();
    auth.on("signedIn", () => {
      throw failure;
    });
    auth.on("signedIn", after);
    await expect(auth.login({ identifier: "ada", password: "pw" })).resolves.toEqual({ user: tokens(1).user });
    expect(reported).toHaveBeenCalledWith(failure);
    expect(after).toHaveBeenCalledTimes(1);
  });
});

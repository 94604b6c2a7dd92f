// Two tabs of one browser (two clients over shared fakes of BroadcastChannel and Web Locks): one
// rotation when both refresh at once, the other tab adopts it; sign-in and sign-out reach the
// other tab. Chromium runs the real APIs in the demo's browser tests.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuthClient, type AuthClient, type TokenStorage } from "../../src/client/index";
import { installTabs } from "./cross-tab-fakes";
import { apiError, fakeService, json, recordingStorage, settle, tokens } from "./fake-service";

const BASE = "https://auth.example.com";

/** One service behind both tabs: a refresh rotates, and it can be held open by the test. */
function sharedService(mode: "cookie" | "token") {
  let rotations = 1;
  let gate: Promise<void> | undefined;
  const service = fakeService({
    "POST /auth/login": () => json(tokens(1, { mode })),
    "POST /auth/refresh": async (seen) => {
      await gate;
      if (mode === "token" && (seen.body as { refresh_token: string }).refresh_token !== `refresh-${rotations}`) return apiError(401, "invalid_grant");
      rotations += 1;
      return json(tokens(rotations, { mode }));
    },
    "POST /auth/logout": () => new Response(null, { status: 204 }),
    "GET /auth/me": () => json({ user: tokens(1).user }),
    "GET /orders": (seen) => (mode === "cookie" || seen.authorization?.endsWith(`.access-${rotations}`) ? json({}) : apiError(401, "invalid_token")),
  });
  return {
    ...service,
    hold() {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return () => open();
    },
  };
}

function tabs(mode: "cookie" | "token", service: ReturnType<typeof sharedService>, storage?: TokenStorage) {
  const open = () => createAuthClient({ baseUrl: BASE, mode, fetch: service.fetch, storage, autoRefresh: false });
  return [open(), open()] as const;
}

/** Tab a signs in (b hears it), then both refresh while the service holds the first refresh open. */
async function signInThenRefreshBoth(service: ReturnType<typeof sharedService>, a: AuthClient, b: AuthClient) {
  await a.login({ identifier: "ada", password: "pw" });
  await settle();
  expect(b.user?.username).toBe("ada");
  const release = service.hold();
  const both = Promise.all([a.refresh(), b.refresh()]);
  await settle();
  release();
  return both;
}

describe("edge-auth/client across tabs", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("cookie mode: two tabs refreshing at once rotate once; the waiting tab adopts the new lifetimes", async () => {
    const { locks, channels } = installTabs();
    const service = sharedService("cookie");
    const [a, b] = tabs("cookie", service);
    const [fromA, fromB] = await signInThenRefreshBoth(service, a, b);
    await settle();
    expect(service.count("POST /auth/refresh")).toBe(1);
    expect([fromA.user.username, fromB.user.username]).toEqual(["ada", "ada"]);
    expect(b.expiresAt).toBe(a.expiresAt);
    expect(channels.names).toEqual([`edge-auth:${BASE}`, `edge-auth:${BASE}`]);
    expect(new Set(locks.requested)).toEqual(new Set([`edge-auth:refresh:${BASE}`]));
    a.close();
    b.close();
  });

  it("cookie mode: a tab just opened that waited for a peer's refresh learns the user from /auth/me, not a rotation", async () => {
    installTabs();
    const service = sharedService("cookie");
    const [a] = tabs("cookie", service);
    await a.login({ identifier: "ada", password: "pw" });
    const [b] = tabs("cookie", service);
    expect(b.user).toBeNull();
    const release = service.hold();
    const both = Promise.all([a.refresh(), b.refresh()]);
    await settle();
    release();
    const [, fromB] = await both;
    expect(fromB.user.username).toBe("ada");
    expect(b.user?.username).toBe("ada");
    expect([service.count("POST /auth/refresh"), service.count("GET /auth/me")]).toEqual([1, 1]);
    a.close();
    b.close();
  });

  it("token mode with localStorage-like shared storage: one rotation, the other tab reads the new tokens", async () => {
    installTabs();
    const service = sharedService("token");
    const storage = recordingStorage(true);
    const [a, b] = tabs("token", service, storage);
    await signInThenRefreshBoth(service, a, b);
    expect(service.count("POST /auth/refresh")).toBe(1);
    expect((await b.fetch("https://api.example.com/orders")).status).toBe(200);
    expect(service.seen.at(-1)!.authorization).toBe(`Bearer ${tokens(2).access_token}`);
    a.close();
    b.close();
  });

  it("without Web Locks, a tab that heard a peer announce its refresh waits for it and adopts it", async () => {
    installTabs({ locks: false });
    const service = sharedService("cookie");
    const [a, b] = tabs("cookie", service);
    await a.login({ identifier: "ada", password: "pw" });
    await settle();
    const release = service.hold();
    const first = a.refresh();
    await settle();
    const second = b.refresh();
    release();
    await Promise.all([first, second]);
    expect(service.count("POST /auth/refresh")).toBe(1);
    a.close();
    b.close();
  });

  it("logout in one tab signs the other out (reason other_tab); memory-storage token clients share nothing", async () => {
    installTabs();
    const cookie = sharedService("cookie");
    const [a, b] = tabs("cookie", cookie);
    const reasons: string[] = [];
    b.on("signedOut", (e) => reasons.push(e.reason));
    await a.login({ identifier: "ada", password: "pw" });
    await settle();
    await a.logout();
    await settle();
    expect(b.user).toBeNull();
    expect(reasons).toEqual(["other_tab"]);

    const token = sharedService("token");
    const [c, d] = tabs("token", token);
    await c.login({ identifier: "ada", password: "pw" });
    await d.login({ identifier: "ada", password: "pw" });
    await c.logout();
    await settle();
    expect(d.user?.username).toBe("ada");
    for (const tab of [a, b, c, d]) tab.close();
  });
});

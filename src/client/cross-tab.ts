// Cross-tab coordination, for clients whose session other tabs share (cookie mode: one cookie jar;
// token mode with localStorageStore()). Names, per service URL (so the demo's tests can watch them):
//   Web Lock          "edge-auth:refresh:<baseUrl>"  held by the tab that is refreshing
//   BroadcastChannel  "edge-auth:<baseUrl>"          messages below
// With the Web Locks API a tab refreshes only while holding the lock; a tab that had to wait for
// it was waiting for a peer's refresh and adopts that instead of rotating again. Without Web Locks
// (older browsers) a tab announces "refreshing" on the channel and a peer that hears it waits for
// the outcome (at most PEER_WAIT_MS). Without either (Node, Workers) there is no other tab.
import type { Lifetimes } from "./session-state.js";
import type { User } from "./types.js";

export type TabMessage =
  | { type: "refreshing" }
  | { type: "signedIn" | "refreshed"; user: User; times: Lifetimes | null }
  | { type: "signedOut" };

/** How long a tab without Web Locks waits for a peer's announced refresh to finish. */
export const PEER_WAIT_MS = 5000;

// Structural types for the browser APIs, so that the client typechecks against the DOM's and the
// Workers' declarations alike (where these may be absent).
interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  unref?: () => void;
}
type ChannelConstructor = new (name: string) => ChannelLike;

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
  request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export class CrossTab {
  readonly #channel: ChannelLike | undefined;
  readonly #locks: LockManagerLike | undefined;
  readonly #lockName: string;
  /** Without Web Locks: settles when a peer that announced a refresh reports its outcome. */
  #peerRefresh: { done: Promise<boolean>; settle: (reported: boolean) => void } | undefined;

  constructor(baseUrl: string, onMessage: (message: TabMessage) => void) {
    this.#lockName = `edge-auth:refresh:${baseUrl}`;
    const global = globalThis as { navigator?: { locks?: LockManagerLike }; BroadcastChannel?: ChannelConstructor };
    this.#locks = global.navigator?.locks;
    if (typeof global.BroadcastChannel !== "function") return;
    this.#channel = new global.BroadcastChannel(`edge-auth:${baseUrl}`);
    // Node's BroadcastChannel keeps the process alive; a client must not.
    this.#channel.unref?.();
    this.#channel.onmessage = (event) => {
      const message = event.data as TabMessage;
      if (message.type === "refreshing") return this.#peerStarted();
      this.#peerRefresh?.settle(true);
      onMessage(message);
    };
  }

  post(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }

  /** Runs `refresh` as the only refreshing tab; `waited` is true when a peer refreshed meanwhile. */
  async exclusive<T>(refresh: (waited: boolean) => Promise<T>): Promise<T> {
    const locks = this.#locks;
    if (locks) {
      const NOT_AVAILABLE = Symbol();
      const first = await locks.request(this.#lockName, { ifAvailable: true }, async (lock) => (lock ? refresh(false) : NOT_AVAILABLE));
      if (first !== NOT_AVAILABLE) return first as T;
      return locks.request(this.#lockName, () => refresh(true));
    }
    const peer = this.#peerRefresh;
    // A peer announced a refresh: wait for its outcome; if it never reports (closed, crashed) within
    // PEER_WAIT_MS, rotate here after all.
    if (peer) return refresh(await peer.done);
    this.post({ type: "refreshing" });
    return refresh(false);
  }

  close(): void {
    this.#channel?.close();
  }

  #peerStarted(): void {
    if (this.#peerRefresh) return;
    let resolve!: (reported: boolean) => void;
    const done = new Promise<boolean>((r) => (resolve = r));
    const timer = setTimeout(() => this.#peerRefresh?.settle(false), PEER_WAIT_MS);
    this.#peerRefresh = {
      done,
      settle: (reported) => {
        clearTimeout(timer);
        this.#peerRefresh = undefined;
        resolve(reported);
      },
    };
  }
}

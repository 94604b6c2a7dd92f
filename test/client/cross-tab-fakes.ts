// Stand-ins for the browser's BroadcastChannel and Web Locks (workerd has neither), enough for two
// clients in one test to behave as two tabs of one browser: messages reach every other channel of
// the same name in a later task, a lock is held by one holder at a time, ifAvailable included.
import { vi } from "vitest";

export class FakeChannel {
  static readonly open = new Map<string, Set<FakeChannel>>();
  static readonly names: string[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;

  constructor(readonly name: string) {
    FakeChannel.names.push(name);
    const peers = FakeChannel.open.get(name) ?? new Set();
    FakeChannel.open.set(name, peers.add(this));
  }

  postMessage(data: unknown): void {
    for (const peer of FakeChannel.open.get(this.name) ?? []) {
      if (peer !== this) setTimeout(() => peer.onmessage?.({ data: structuredClone(data) }), 0);
    }
  }

  close(): void {
    FakeChannel.open.get(this.name)?.delete(this);
  }
}

export class FakeLocks {
  readonly requested: string[] = [];
  readonly #held = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();

  async request<T>(name: string, optionsOrCallback: { ifAvailable?: boolean } | ((lock: unknown) => Promise<T>), maybeCallback?: (lock: unknown) => Promise<T>): Promise<T> {
    const [options, callback] = typeof optionsOrCallback === "function" ? [{}, optionsOrCallback] : [optionsOrCallback, maybeCallback!];
    this.requested.push(name);
    if (options.ifAvailable && this.#held.has(name)) return callback(null);
    while (this.#held.has(name)) await new Promise<void>((resolve) => this.#waiting.set(name, [...(this.#waiting.get(name) ?? []), resolve]));
    this.#held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.#held.delete(name);
      this.#waiting.get(name)?.shift()?.();
    }
  }
}

/** Installs the fakes as globals for one test; `locks: false` leaves Web Locks out. */
export function installTabs(options: { locks?: boolean } = {}) {
  const locks = new FakeLocks();
  FakeChannel.open.clear();
  FakeChannel.names.length = 0;
  vi.stubGlobal("BroadcastChannel", FakeChannel);
  vi.stubGlobal("navigator", options.locks === false ? {} : { locks });
  return { locks, channels: FakeChannel };
}

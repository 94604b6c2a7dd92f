// Where token mode keeps its tokens. The default is memory: nothing survives a reload, and no
// script that runs later on the page finds a token in storage. localStorageStore() persists them
// and shares them between tabs; the price is that any script running on the page (an XSS, a
// compromised dependency) can read the refresh token. Cookie mode never uses storage at all.

/** The part of the Web Storage interface the client uses; `localStorage` itself fits. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  /** True when other tabs read the same storage: the client then coordinates refreshes with them. */
  readonly shared?: boolean;
}

/** Tokens in this client's memory only (the default). */
export function memoryStore(): TokenStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

type WebStorage = Pick<TokenStorage, "getItem" | "setItem" | "removeItem">;

/** Tokens in `localStorage` (or another Web Storage), shared by every tab of the origin. */
export function localStorageStore(storage: WebStorage | undefined = (globalThis as { localStorage?: WebStorage }).localStorage): TokenStorage {
  if (!storage) throw new TypeError("localStorageStore: no localStorage in this runtime; pass a Web Storage object or use memoryStore()");
  return {
    getItem: (key) => storage.getItem(key),
    setItem: (key, value) => storage.setItem(key, value),
    removeItem: (key) => storage.removeItem(key),
    shared: true,
  };
}

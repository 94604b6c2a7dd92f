// What the client knows about its session, and the only code that changes it. Token mode keeps
// the tokens in its TokenStorage (one JSON record per service URL); cookie mode keeps only the
// user and the lifetimes the body announced, in memory: the tokens are the browser's HttpOnly
// cookies, and nothing is written to storage.
import { Emitter, type SignOutReason } from "./events.js";
import type { TokenStorage } from "./storage.js";
import type { Mode, SessionAnswer, User } from "./types.js";

/** "unknown": cookie mode before its first answer (a cookie from an earlier visit may be live). */
export type Status = "unknown" | "signedIn" | "signedOut";

/** When the current tokens were issued and expire, epoch ms (this client's clock). */
export interface Lifetimes {
  issuedAt: number;
  expiresAt: number;
  refreshExpiresAt: number;
}

interface Stored {
  user: User;
  accessToken: string;
  refreshToken: string;
  times: Lifetimes;
}

export class SessionState {
  status: Status;
  user: User | null = null;
  /** Null when signed out, or in cookie mode before a sign-in or refresh told them. */
  times: Lifetimes | null = null;
  accessToken: string | null = null;
  refreshToken: string | null = null;
  /** Counts every new set of credentials, so a caller can tell whether someone refreshed since. */
  generation = 0;
  readonly events = new Emitter();

  constructor(
    readonly mode: Mode,
    private readonly storage: TokenStorage,
    private readonly key: string,
  ) {
    this.status = mode === "cookie" ? "unknown" : "signedOut";
    if (mode === "token") this.reload();
  }

  get expiresAt(): number | null {
    return this.times?.expiresAt ?? null;
  }

  /** Takes a session answer (sign-in, refresh, password change, reset) as the current session. */
  adopt(answer: SessionAnswer, event: "signedIn" | "refreshed", now = Date.now()): void {
    this.user = answer.user;
    this.times = { issuedAt: now, expiresAt: now + answer.expires_in * 1000, refreshExpiresAt: now + answer.refresh_expires_in * 1000 };
    if (this.mode === "token") {
      if (typeof answer.access_token !== "string" || typeof answer.refresh_token !== "string") throw new TypeError("a token-mode answer without tokens");
      this.accessToken = answer.access_token;
      this.refreshToken = answer.refresh_token;
      const stored: Stored = { user: this.user, accessToken: this.accessToken, refreshToken: this.refreshToken, times: this.times };
      this.storage.setItem(this.key, JSON.stringify(stored));
    }
    this.#changed(event, false);
  }

  /** Cookie mode: what a peer tab or /auth/me said; the browser already holds the cookies. */
  adoptUser(user: User, times: Lifetimes | null, event: "signedIn" | "refreshed", fromOtherTab: boolean): void {
    this.user = user;
    this.times = times;
    this.#changed(event, fromOtherTab);
  }

  /**
   * Token mode: re-reads the storage another tab may have written. True when it held a session
   * other than ours (which is then adopted); a removed record signs this client out.
   */
  reload(fromOtherTab = false): boolean {
    const stored = this.#read();
    if (stored === null) {
      if (this.status === "signedIn") this.signOut("other_tab", { keepStorage: true });
      return false;
    }
    if (stored.refreshToken === this.refreshToken) return false;
    Object.assign(this, { user: stored.user, accessToken: stored.accessToken, refreshToken: stored.refreshToken, times: stored.times });
    this.#changed("refreshed", fromOtherTab);
    return true;
  }

  /** Forgets the session; emits signedOut once, only when it was (or might have been) signed in. */
  signOut(reason: SignOutReason, options: { keepStorage?: boolean } = {}): void {
    const was = this.status;
    Object.assign(this, { status: "signedOut", user: null, times: null, accessToken: null, refreshToken: null });
    this.generation += 1;
    if (this.mode === "token" && !options.keepStorage) this.storage.removeItem(this.key);
    if (was !== "signedOut") this.events.emit("signedOut", { reason });
  }

  #changed(event: "signedIn" | "refreshed", fromOtherTab: boolean): void {
    // A refresh that finds a session this client did not know (cookie mode after a reload) is,
    // for the app, a sign-in.
    const name = this.status === "signedIn" ? event : "signedIn";
    this.status = "signedIn";
    this.generation += 1;
    this.events.emit(name, { user: this.user!, expiresAt: this.expiresAt, fromOtherTab });
  }

  #read(): Stored | null {
    try {
      const stored = JSON.parse(this.storage.getItem(this.key) ?? "null") as Stored | null;
      return stored && typeof stored.refreshToken === "string" && typeof stored.accessToken === "string" && stored.times ? stored : null;
    } catch {
      return null; // another program's value under our key: treated as no session
    }
  }
}

// Refreshing: single-flight within this client (N callers that need a refresh share one POST
// /auth/refresh), exclusive across tabs (cross-tab.ts), proactive (a timer `refreshLeeway` before
// the access token expires, and a check before each request), and final when refused: a refresh
// the service refuses signs the client out once and is not tried again until the next sign-in.
import type { CrossTab } from "./cross-tab.js";
import { AuthError, notSignedIn } from "./errors.js";
import { answerOf, type Http } from "./http.js";
import type { SessionState } from "./session-state.js";
import type { SessionAnswer, User } from "./types.js";

/** Answers that mean "this refresh credential will never work": sign out, do not retry. */
const refused = (error: unknown) => error instanceof AuthError && (error.code === "invalid_grant" || (error.status === 400 && error.code === "invalid_request"));

export class Refresher {
  #inflight: Promise<{ user: User }> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly http: Http,
    private readonly state: SessionState,
    private readonly tabs: CrossTab | undefined,
    private readonly leewayMs: number,
    private readonly autoRefresh: boolean,
  ) {}

  /** One refresh, shared by every caller until it settles. */
  refresh(): Promise<{ user: User }> {
    this.#inflight ??= this.#run(this.state.generation).finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  /** A refresh unless the credentials changed since `generation` (someone already refreshed). */
  async refreshSince(generation: number): Promise<void> {
    if (this.state.generation === generation && !this.#inflight) await this.refresh();
    else await this.#inflight;
  }

  /** Whether the access token is within the leeway of its expiry (never more than half its life). */
  isDue(now = Date.now()): boolean {
    const at = this.#refreshAt();
    return at !== null && now >= at;
  }

  /** (Re)arms the proactive timer for the current session; clears it when signed out. */
  schedule(now = Date.now()): void {
    this.stop();
    const at = this.#refreshAt();
    if (!this.autoRefresh || at === null) return;
    const delay = Math.max(0, at - now);
    this.#timer = setTimeout(() => void this.refresh().catch(() => {}), delay);
    // In Node a pending refresh must not keep the process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** When the current access token is due for a refresh; null when there is none to refresh. */
  #refreshAt(): number | null {
    const { times, status } = this.state;
    if (status !== "signedIn" || times === null) return null;
    const lifetime = times.expiresAt - times.issuedAt;
    return times.expiresAt - Math.min(this.leewayMs, lifetime / 2);
  }

  async #run(seen: number): Promise<{ user: User }> {
    const refresh = async (waited: boolean): Promise<{ user: User }> => {
      // A peer that refreshed while we waited: token mode reads its tokens from the shared storage,
      // cookie mode already has its cookies (and learns the lifetimes from its message).
      if (this.state.mode === "token" && this.tabs) this.state.reload(true);
      if (this.state.generation !== seen && this.state.user) return { user: this.state.user };
      if (waited && this.state.mode === "cookie") return { user: this.state.user ?? (await this.#learnUser()) };
      return this.#rotate();
    };
    return this.tabs ? this.tabs.exclusive(refresh) : refresh(false);
  }

  async #rotate(): Promise<{ user: User }> {
    const { mode, status, refreshToken } = this.state;
    if (status === "signedOut" || (mode === "token" && refreshToken === null)) throw notSignedIn();
    const body = mode === "token" ? { refresh_token: refreshToken } : {};
    try {
      const answer = await answerOf<SessionAnswer>(await this.http.send(this.http.request("POST", "/auth/refresh", body)));
      this.state.adopt(answer, "refreshed");
      this.tabs?.post({ type: "refreshed", user: answer.user, times: this.state.times });
      return { user: answer.user };
    } catch (error) {
      if (refused(error)) {
        this.state.signOut("refresh_refused");
        this.tabs?.post({ type: "signedOut" });
      }
      throw error;
    }
  }

  /** Cookie mode, after a peer's refresh, before its message: the new cookies say who we are. */
  async #learnUser(): Promise<User> {
    const { user } = await answerOf<{ user: User }>(await this.http.send(this.http.request("GET", "/auth/me")));
    if (this.state.user === null) this.state.adoptUser(user, null, "signedIn", false);
    return user;
  }
}

// createAuthClient(): the native API (README "Native API", "Account lifecycle", "Sessions") for
// browsers, Node 20+, Workers and Deno, on the standard fetch only. docs/client.md is its manual.
import { AuthedFetch } from "./authed-fetch.js";
import { CrossTab, type TabMessage } from "./cross-tab.js";
import type { AuthEventName, AuthListener } from "./events.js";
import { answerOf, Http, type FetchLike } from "./http.js";
import { endOwnSession, OwnSessionId } from "./own-session.js";
import { Refresher } from "./refresher.js";
import { SecondFactor, type CredentialsLike } from "./second-factor.js";
import { SessionState } from "./session-state.js";
import { memoryStore, type TokenStorage } from "./storage.js";
import type { FactorConfirmation, LoginResult, Mode, Passkey, SecondStepProof, Session, SessionAnswer, TotpEnrollment, User } from "./types.js";

export interface AuthClientOptions {
  /** The service's URL, e.g. "https://auth.example.com" (a path prefix is kept); in a page, "/" is the page's origin. */
  baseUrl: string;
  /** "cookie": HttpOnly cookies, no token in JavaScript (same site only); "token": bearer tokens. */
  mode: Mode;
  /** Token mode's token storage; default memoryStore(). Ignored in cookie mode. */
  storage?: TokenStorage;
  /** The fetch to use; default globalThis.fetch. */
  fetch?: FetchLike;
  /** Seconds before the access token's expiry to refresh it (at most half its lifetime); default 30. */
  refreshLeeway?: number;
  /** Refresh on a timer before expiry, also while idle; default true where `document` exists (browsers). */
  autoRefresh?: boolean;
  /** WebAuthn for the passkey calls; default navigator.credentials where it exists. */
  credentials?: CredentialsLike;
}

export type ForgotPasswordInput = { email: string } | { identifier: string };

export class AuthClient {
  readonly #http: Http;
  readonly #state: SessionState;
  readonly #tabs: CrossTab | undefined;
  readonly #refresher: Refresher;
  readonly #authed: AuthedFetch;
  readonly #own: OwnSessionId;
  readonly #second: SecondFactor;
  /** Passkeys: usernameless sign-in, and the signed-in user's registration, list and removal. */
  readonly passkeys: {
    signIn(): Promise<{ user: User }>;
    register(name?: string): Promise<Passkey>;
    list(): Promise<Passkey[]>;
    remove(id: string): Promise<void>;
  };
  /** The signed-in user's authenticator app (TOTP). */
  readonly totp: {
    enroll(): Promise<TotpEnrollment>;
    /** The first code turns TOTP on; answers the ten recovery codes, shown once. */
    confirm(code: string): Promise<string[]>;
    disable(confirmation: FactorConfirmation): Promise<void>;
  };
  readonly recoveryCodes: { regenerate(confirmation: FactorConfirmation): Promise<string[]> };

  constructor(options: AuthClientOptions) {
    if (options.mode !== "cookie" && options.mode !== "token") throw new TypeError('createAuthClient: mode must be "cookie" or "token"');
    const page = (globalThis as { location?: { href: string } }).location?.href;
    const baseUrl = new URL(options.baseUrl, page).href.replace(/\/+$/, "");
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#http = new Http(baseUrl, options.mode, fetchImpl);
    const storage = options.storage ?? memoryStore();
    this.#state = new SessionState(options.mode, storage, `edge-auth:${baseUrl}`);
    this.#own = new OwnSessionId(this.#state);
    // Only a session other tabs share needs coordinating: the cookie jar, or a shared storage.
    const shared = options.mode === "cookie" || storage.shared === true;
    this.#tabs = shared ? new CrossTab(baseUrl, (message) => this.#fromOtherTab(message)) : undefined;
    const autoRefresh = options.autoRefresh ?? typeof (globalThis as { document?: unknown }).document !== "undefined";
    this.#refresher = new Refresher(this.#http, this.#state, this.#tabs, (options.refreshLeeway ?? 30) * 1000, autoRefresh);
    this.#authed = new AuthedFetch(this.#http, this.#state, this.#refresher);
    this.#state.events.on("signedIn", () => this.#refresher.schedule());
    this.#state.events.on("refreshed", () => this.#refresher.schedule());
    this.#state.events.on("signedOut", () => this.#refresher.stop());
    this.#refresher.schedule();
    const core = {
      mode: options.mode,
      call: <T>(method: string, path: string, body?: unknown) => this.#call<T>(method, path, body),
      post: <T>(path: string, body: unknown) => this.#send<T>("POST", path, body),
      signIn: (answer: SessionAnswer) => this.#adopt(answer, "signedIn"),
    };
    const second = (this.#second = new SecondFactor(core, () => options.credentials ?? (globalThis as unknown as { navigator?: { credentials?: CredentialsLike } }).navigator?.credentials));
    this.passkeys = { signIn: () => second.passkeySignIn(), register: (name) => second.registerPasskey(name), list: () => second.listPasskeys(), remove: (id) => second.removePasskey(id) };
    this.totp = { enroll: () => second.enrollTotp(), confirm: (code) => second.confirmTotp(code), disable: (c) => second.disableTotp(c) };
    this.recoveryCodes = { regenerate: (c) => second.regenerateRecoveryCodes(c) };
  }

  /** The signed-in user; null when signed out or (cookie mode) not known yet: call me(). */
  get user(): User | null {
    return this.#state.user;
  }

  /** When the access token expires, epoch milliseconds; null when signed out or not known. */
  get expiresAt(): number | null {
    return this.#state.expiresAt;
  }

  on<E extends AuthEventName>(name: E, listener: AuthListener<E>): () => void {
    return this.#state.events.on(name, listener);
  }

  /** Creates the account and signs in. */
  async register(input: { username: string; email?: string | null; password: string }): Promise<{ user: User }> {
    const answer = await this.#post<SessionAnswer>("/auth/register", { username: input.username, email: input.email ?? null, password: input.password });
    return this.#adopt(answer, "signedIn");
  }

  /**
   * Signs in with a username or email. Never retried: a second attempt is the user's choice. A user
   * with a second factor gets `{ mfaRequired: true, factors }` and no session: call verifyMfa().
   */
  async login(input: { identifier: string; password: string }): Promise<LoginResult> {
    return this.#second.take(await this.#post("/auth/login", { identifier: input.identifier, password: input.password }));
  }

  /** Completes a login that answered `mfaRequired` (within its 5 minutes); emits signedIn. */
  verifyMfa(proof: SecondStepProof): Promise<{ user: User }> {
    return this.#second.verify(proof);
  }

  /** Whether a login waits for verifyMfa() (its mfa_token is held in memory only). */
  get mfaPending(): boolean {
    return this.#second.pending;
  }

  /** A new access token (and rotated refresh token); concurrent calls share one request. */
  refresh(): Promise<{ user: User }> {
    return this.#refresher.refresh();
  }

  async me(): Promise<User> {
    const { user } = await this.#call<{ user: User }>("GET", "/auth/me");
    // Cookie mode learns here, after a reload, that the cookie session is live.
    if (this.#state.status === "unknown") this.#state.adoptUser(user, null, "signedIn", false);
    else if (this.#state.status === "signedIn") this.#state.user = user;
    return user;
  }

  /** Every other session ends; this client continues in the fresh session the service answers. */
  async changePassword(input: { currentPassword: string; newPassword: string }): Promise<{ user: User }> {
    const answer = await this.#call<SessionAnswer>("POST", "/auth/password", { current_password: input.currentPassword, new_password: input.newPassword });
    return this.#adopt(answer, "refreshed");
  }

  /** Answers the same whether or not the account exists. */
  async forgotPassword(input: ForgotPasswordInput): Promise<void> {
    await this.#send("POST", "/auth/password/forgot", input);
  }

  /** Sets the new password with the token from the reset link, and signs in (or asks for the second step). */
  async resetPassword(input: { token: string; newPassword: string }): Promise<LoginResult> {
    return this.#second.take(await this.#post("/auth/password/reset", { token: input.token, new_password: input.newPassword }));
  }

  /** Sends a verification message for the signed-in user's current email. */
  async requestEmailVerification(): Promise<void> {
    await this.#call("POST", "/auth/email/verify/request", {});
  }

  /** Marks the email verified with the token from the message's link; signed in or not. */
  async verifyEmail(input: { token: string }): Promise<{ user: User }> {
    const { user } = await this.#send<{ user: User }>("POST", "/auth/email/verify", { token: input.token });
    if (this.#state.user?.id === user.id) this.#state.user = user;
    return { user };
  }

  /** Erases the account (the password confirms it) and signs out. */
  async deleteAccount(input: { password: string }): Promise<void> {
    await this.#call("DELETE", "/auth/me", { password: input.password });
    this.#signOut("account_deleted");
  }

  async sessions(): Promise<Session[]> {
    const { sessions } = await this.#call<{ sessions: Session[] }>("GET", "/auth/sessions");
    this.#own.noteListed(sessions);
    return sessions;
  }

  /** Ends one session; ending this client's own signs it out. */
  async revokeSession(id: string): Promise<void> {
    const own = this.#own.get();
    await this.#call("DELETE", `/auth/sessions/${encodeURIComponent(id)}`);
    if (own === id) this.#signOut("session_revoked");
  }

  /** Ends this session. Signs out locally even when the service cannot be reached, then throws. */
  logout(): Promise<void> {
    return this.#logout(false);
  }

  /** Ends every session of the user, on every device. Signs out locally as logout() does. */
  logoutAll(): Promise<void> {
    return this.#logout(true);
  }

  /** fetch() for your own APIs, with this session's credentials (see AuthedFetch). */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return this.#authed.fetch(input, init);
  }

  /** Stops the refresh timer and leaves the tabs' channel (for tests and single-page teardown). */
  close(): void {
    this.#refresher.stop();
    this.#tabs?.close();
  }

  /** An authenticated call to the service's own API; a non-2xx answer throws its AuthError. */
  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return answerOf<T>(await this.#authed.fetch(this.#http.request(method, path, body)));
  }

  /** A call that needs no session (sign-in steps, the emailed links' tokens); never retried. */
  async #send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return answerOf<T>(await this.#http.send(this.#http.request(method, path, body)));
  }

  /** A sign-in step's request, in this client's mode. */
  #post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    return this.#send<T>("POST", path, { ...body, mode: this.#state.mode });
  }

  #adopt(answer: SessionAnswer, event: "signedIn" | "refreshed"): { user: User } {
    this.#state.adopt(answer, event);
    this.#tabs?.post({ type: event, user: answer.user, times: this.#state.times });
    return { user: answer.user };
  }

  #signOut(reason: "logout" | "session_revoked" | "account_deleted"): void {
    this.#state.signOut(reason);
    this.#tabs?.post({ type: "signedOut" });
  }

  async #logout(all: boolean): Promise<void> {
    const failure = await endOwnSession(this.#http, this.#state, all);
    this.#signOut("logout");
    if (failure) throw failure;
  }

  #fromOtherTab(message: TabMessage): void {
    if (message.type === "refreshing") return;
    if (message.type === "signedOut") return this.#state.signOut("other_tab", { keepStorage: true });
    if (this.#state.mode === "token") this.#state.reload(true);
    else this.#state.adoptUser(message.user, message.times, message.type, true);
  }
}

export function createAuthClient(options: AuthClientOptions): AuthClient {
  return new AuthClient(options);
}

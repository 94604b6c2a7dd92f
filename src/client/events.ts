// The events an app re-renders on. A change made in another tab is emitted here too, with
// `fromOtherTab: true`.
import type { User } from "./types.js";

export type SignOutReason =
  /** logout() or logoutAll() in this client. */
  | "logout"
  /** The service refused the refresh token (expired, revoked, reused, or no refresh cookie). */
  | "refresh_refused"
  /** revokeSession() ended this client's own session. */
  | "session_revoked"
  /** deleteAccount() erased the account. */
  | "account_deleted"
  /** Another tab signed out. */
  | "other_tab";

export interface AuthEvents {
  signedIn: { user: User; expiresAt: number | null; fromOtherTab: boolean };
  refreshed: { user: User; expiresAt: number | null; fromOtherTab: boolean };
  signedOut: { reason: SignOutReason };
}

export type AuthEventName = keyof AuthEvents;
export type AuthListener<E extends AuthEventName> = (event: AuthEvents[E]) => void;

export class Emitter {
  readonly #listeners = new Map<AuthEventName, Set<(event: never) => void>>();

  on<E extends AuthEventName>(name: E, listener: AuthListener<E>): () => void {
    const set = this.#listeners.get(name) ?? new Set();
    this.#listeners.set(name, set);
    set.add(listener as (event: never) => void);
    return () => void set.delete(listener as (event: never) => void);
  }

  emit<E extends AuthEventName>(name: E, event: AuthEvents[E]): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      // A throwing listener must not stop the others or break the call that changed the state.
      try {
        (listener as AuthListener<E>)(event);
      } catch (error) {
        if (typeof reportError === "function") reportError(error);
        else console.error(error);
      }
    }
  }
}

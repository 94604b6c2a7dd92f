// The limiters throttling consults, and how the Workers Rate Limiting bindings of wrangler.toml
// become them (tests pass their own: test/security/throttle-support.ts). Apart from rate-limit.ts so
// that the runtime, which builds them, and the throttle checks, which take the runtime, do not
// import each other.

/** One limiter: true when the request may go on. The binding's own counters decide. */
export interface RateLimiter {
  allow(key: string): Promise<boolean>;
}

export interface RateLimits {
  /** IP_LIMITER: login, register, password and passkey-login routes, per client. */
  perClient: RateLimiter;
  /** LOGIN_LIMITER: login, per normalised identifier, across clients. */
  perIdentifier: RateLimiter;
  /** REFRESH_IP_LIMITER: a generous flood ceiling on refresh per client, checked before the MAC. */
  refreshPerClient: RateLimiter;
  /** REFRESH_SESSION_LIMITER: refresh per session id, checked after the MAC proved the token ours. */
  refreshPerSession: RateLimiter;
}

function bindingLimiter(binding: RateLimit): RateLimiter {
  return { allow: async (key) => (await binding.limit({ key })).success };
}

export function bindingRateLimits(env: Env): RateLimits {
  return {
    perClient: bindingLimiter(env.IP_LIMITER),
    perIdentifier: bindingLimiter(env.LOGIN_LIMITER),
    refreshPerClient: bindingLimiter(env.REFRESH_IP_LIMITER),
    refreshPerSession: bindingLimiter(env.REFRESH_SESSION_LIMITER),
  };
}

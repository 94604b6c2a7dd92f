// edge-auth/hono: protect the routes of another Hono app (an API behind the gateway) with
// edge-auth's access tokens. Peer dependency: hono 4; jose is a dependency. Not imported by the
// edge-auth worker itself; built to dist/hono/ by scripts/build/packages.mjs.
export { edgeAuth, type EdgeAuthOptions, type AsymmetricAlgorithm } from "./jwks";
export { edgeAuthBinding, type EdgeAuthBindingOptions, type AuthVerifier, type VerifyAnswer } from "./binding";
export type { EdgeAuthClaims, EdgeAuthIdentity, EdgeAuthVariables, EdgeAuthBindingVariables } from "./types";

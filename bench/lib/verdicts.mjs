// The two helpers every ratio module uses: a rounded ratio (null when either side is missing) and
// a target check recorded with its verdict in results.json.
import { round } from "./load.mjs";

export const ratio = (a, b) => (a && b ? round(a / b, 2) : null);
export const check = (value, target, met) => ({ value, target, met: value !== null && met(value) });

// The key the per-IP limiters (and the lockout's known sources) use for a client address.
// IPv4: the address itself. IPv6: its /64 prefix, because one subscriber is routinely given a
// whole /64 (RFC 6177, RFC 7934) and could otherwise take a fresh key per request. An IPv4-mapped
// IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is the IPv4 client it maps.
// A missing or unparsable address (no CF-Connecting-IP: a Service Binding call or an in-process
// test) is not skipped: all such requests share one explicit bucket, UNKNOWN_CLIENT.

export const UNKNOWN_CLIENT = "unknown";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/** The eight 16-bit groups of an IPv6 address (compressed "::" and a dotted IPv4 tail allowed), or null. */
export function parseIpv6(text: string): number[] | null {
  const address = text.replace(/%[^%]+$/, ""); // a zone id (fe80::1%eth0) names an interface, not a host
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      const v4 = i === pieces.length - 1 ? IPV4.exec(piece) : null;
      if (v4) out.push(Number(v4[1]) * 256 + Number(v4[2]), Number(v4[3]) * 256 + Number(v4[4]));
      else if (HEXTET.test(piece)) out.push(parseInt(piece, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  // A dotted IPv4 may only end the address, never precede a "::".
  if (halves.length === 2 && halves[0]!.includes(".")) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}

/** The limiter key of a client address: see the file comment. */
export function clientKey(address: string | null): string {
  if (!address) return UNKNOWN_CLIENT;
  if (IPV4.test(address)) return address;
  const groups = address.includes(":") ? parseIpv6(address) : null;
  if (!groups) return UNKNOWN_CLIENT;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

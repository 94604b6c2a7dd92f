// The per-IP limiters' key for a client address: IPv4 as is, IPv6 by its /64 (one host holds a
// whole /64), IPv4-mapped IPv6 as the IPv4 it maps, anything else the one explicit "unknown" bucket.
import { describe, expect, it } from "vitest";
import { clientKey, UNKNOWN_CLIENT } from "../../src/throttling/client-key";

describe("clientKey", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["2001:db8:1:2::", "2001:db8:1:2::/64"],
    ["::", "0:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["1:2:3::4:5:6", "1:2:3:0::/64"],
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["::FFFF:198.51.100.20", "198.51.100.20"],
    ["::ffff:c633:6414", "198.51.100.20"],
    ["0:0:0:0:0:ffff:203.0.113.7", "203.0.113.7"],
    ["64:ff9b::203.0.113.7", "64:ff9b:0:0::/64"],
  ])("keys %s as %s", (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it.each([
    [null],
    [""],
    ["unknown"],
    ["256.1.1.1"],
    ["1.2.3"],
    ["01.2.3.4"],
    ["1.2.3.4.5"],
    ["2001:db8::1::2"],
    ["2001:db8:1:2:3:4:5:6:7"],
    ["2001:db8:1:2:3:4:5"],
    ["12345::1"],
    ["g::1"],
    [":::"],
    ["::ffff:1.2.3.256"],
    ["1.2.3.4::"],
    [" 203.0.113.7"],
  ])("keys %j, which is not an address, as the shared unknown bucket", (address) => {
    expect(clientKey(address)).toBe(UNKNOWN_CLIENT);
  });

  it("names the unknown bucket plainly", () => {
    expect(UNKNOWN_CLIENT).toBe("unknown");
  });
});

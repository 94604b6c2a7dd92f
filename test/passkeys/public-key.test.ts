// The DER-to-raw conversion of ECDSA signatures (WebAuthn L3 §6.5.6): strict DER only.
import { describe, expect, it } from "vitest";
import { ecdsaDerToRaw } from "../../src/passkeys/public-key";

const hex = (text: string) => Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));
const r = "7f".padEnd(64, "1");
const s = "01".padEnd(64, "2");

describe("ecdsaDerToRaw", () => {
  it("converts SEQUENCE { r, s } to r || s, restoring leading zeros and dropping the sign byte", () => {
    expect(ecdsaDerToRaw(hex(`3044` + `0220${r}` + `0220${s}`))).toEqual(hex(r + s));
    expect(ecdsaDerToRaw(hex(`3045` + `022100${"80".padEnd(64, "3")}` + `0220${s}`))).toEqual(hex("80".padEnd(64, "3") + s));
    expect(ecdsaDerToRaw(hex(`3026` + `0201` + `05` + `0221` + `00${"ff".padEnd(64, "0")}`))).toEqual(hex("05".padStart(64, "0") + "ff".padEnd(64, "0")));
  });

  it("refuses anything that is not strict DER", () => {
    expect(ecdsaDerToRaw(hex(`3045` + `022100${r}` + `0220${s}`))).toBeNull(); // a needless zero byte
    expect(ecdsaDerToRaw(hex(`3044` + `0220${"80".padEnd(64, "0")}` + `0220${s}`))).toBeNull(); // negative
    expect(ecdsaDerToRaw(hex(`3045` + `0220${r}` + `0220${s}` + `00`))).toBeNull(); // trailing byte
    expect(ecdsaDerToRaw(hex(`3144` + `0220${r}` + `0220${s}`))).toBeNull(); // not a SEQUENCE
    expect(ecdsaDerToRaw(hex(`3046` + `0221${r}00` + `0220${s}`.slice(0, -2)))).toBeNull();
    expect(ecdsaDerToRaw(hex(`3046` + `022101${r}` + `0220${s}`))).toBeNull(); // 33 bytes of value
    expect(ecdsaDerToRaw(new Uint8Array(0))).toBeNull();
  });
});

// Recovery codes: ten single-use codes of 80 random bits each, shown once, stored only as
// SHA-256. An unkeyed hash is enough for values this random (no dictionary to try, 2^80 guesses
// per code), and unlike a keyed one it survives a REFRESH_TOKEN_SECRET rotation.
import { randomBytes, sha256Base64Url } from "../crypto/bytes";

export const RECOVERY_CODE_COUNT = 10;

// RFC 4648 base32 without the padding: no 0/1/8 to confuse with O/I/B when copied by hand.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const CODE_CHARS = 16; // 16 × 5 bits = 80 bits

function newCode(): string {
  const bytes = randomBytes(CODE_CHARS);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]!).join("");
  return chars.match(/.{4}/g)!.join("-");
}

/** The code as stored: dashes and spaces dropped, upper case; null when it cannot be one of ours. */
export function normaliseRecoveryCode(code: string): string | null {
  const bare = code.replace(/[\s-]/g, "").toUpperCase();
  return bare.length === CODE_CHARS && [...bare].every((c) => ALPHABET.includes(c)) ? bare : null;
}

export const hashRecoveryCode = (normalised: string) => sha256Base64Url(`recovery|${normalised}`);

/** A fresh set: the codes to show once, and their hashes to store. */
export async function newRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(normaliseRecoveryCode(code)!)));
  return { codes, hashes };
}

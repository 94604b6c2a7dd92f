// Password policy (Django's validators, NIST 800-63B §5.1.1.2): 8 to 1024 bytes, no truncation,
// not common, not all digits, not close to the username or email. Messages never echo the password.
import { utf8 } from "../crypto/bytes";
import type { CommonPasswordList } from "../storage/ports";

export const PASSWORD_MAX_BYTES = 1024;
export const PASSWORD_MIN_LENGTH = 8;

export type PasswordPolicy = "strict" | "basic";

/** Bytes, not characters: the KDF's input size is what costs CPU. Checked before any hashing. */
export function passwordTooLong(password: string): boolean {
  return utf8(password).byteLength > PASSWORD_MAX_BYTES;
}

function tooSimilar(password: string, attribute: string): boolean {
  const p = password.toLowerCase();
  const parts = [attribute, ...attribute.split(/[@._+-]/)].map((s) => s.toLowerCase()).filter((s) => s.length >= 3);
  return parts.some((part) => p === part || (part.length >= 4 && p.includes(part) && part.length * 10 >= p.length * 7));
}

/**
 * Returns a message when the password is refused, undefined when it is acceptable. The common list
 * is consulted only when the cheaper rules pass (one D1 read, strict policy only).
 */
export async function checkPassword(
  password: string,
  identity: { username: string; email?: string | null },
  policy: PasswordPolicy,
  common: CommonPasswordList,
): Promise<string | undefined> {
  const normalised = password.normalize("NFC");
  if (passwordTooLong(normalised)) return `This password is too long. It must contain at most ${PASSWORD_MAX_BYTES} bytes.`;
  if ([...normalised].length < PASSWORD_MIN_LENGTH) return `This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (policy === "basic") return undefined;
  if (/^\d+$/.test(normalised)) return "This password is entirely numeric.";
  if (await common.isCommon(normalised.toLowerCase())) return "This password is too common.";
  if (tooSimilar(normalised, identity.username) || (identity.email && tooSimilar(normalised, identity.email))) {
    return "The password is too similar to the username or email.";
  }
  return undefined;
}

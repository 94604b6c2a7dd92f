// Opaque pagination cursors: the keyset position (a normalised username, an audit id) as base64url
// JSON. Opaque so clients pass it back rather than build one; not signed, as it grants nothing: an
// administrator who forges one just starts the listing somewhere else.
import { decodeBase64Url, encodeBase64Url, utf8 } from "../crypto/bytes";
import { invalidFields } from "../http/body";

const VERSION = 1;

export const encodeCursor = (after: string | null): string | null => (after === null ? null : encodeBase64Url(utf8(JSON.stringify({ v: VERSION, after }))));

/** The position in a cursor; a cursor this service did not make is a 400 on `cursor`. */
export function decodeCursor(cursor: string | undefined, isKey: (key: string) => boolean): string | null {
  if (cursor === undefined) return null;
  const bytes = decodeBase64Url(cursor);
  try {
    const value = bytes ? (JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes)) as unknown) : null;
    const after = (value as { v?: unknown; after?: unknown } | null)?.after;
    if ((value as { v?: unknown }).v === VERSION && typeof after === "string" && isKey(after)) return after;
  } catch {
    // fall through to the refusal
  }
  throw invalidFields({ cursor: "Invalid cursor." });
}

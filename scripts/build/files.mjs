// Build outputs are written only when their bytes change: running wrangler devs watch public/
// (and a reload drops their --var overrides), and several e2e workers start, each building, at once.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Writes `content` to `file` unless it already holds exactly that; atomic (rename) when it does write. */
export function writeIfChanged(file, content) {
  const bytes = typeof content === "string" ? Buffer.from(content) : Buffer.from(content);
  if (existsSync(file) && readFileSync(file).equals(bytes)) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
  return true;
}

// Moves freshly built files into place without disturbing what runs from them: a file whose
// content did not change is not written at all (a running `wrangler dev` watches public/, and
// every e2e worker start runs the build while other test files read dist/), and a changed one is
// replaced by a rename, which a concurrent reader sees whole or not at all.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, copyFileSync, rmSync } from "node:fs";
import path from "node:path";

const same = (a, b) => existsSync(b) && readFileSync(a).equals(readFileSync(b));

/**
 * `from`'s files into `to`. `only` maps the names to publish to their names in `to` (default:
 * every file, same names, and files `to` holds that the build no longer makes are removed).
 */
export function publish(from, to, only) {
  mkdirSync(to, { recursive: true });
  const names = only ? Object.keys(only) : readdirSync(from);
  for (const name of names) {
    const source = path.join(from, name);
    const target = path.join(to, only ? only[name] : name);
    if (same(source, target)) continue;
    const temporary = `${target}.${process.pid}.tmp`;
    copyFileSync(source, temporary);
    renameSync(temporary, target);
  }
  // Another build's half-published file (`*.tmp`, renamed in a moment) is not stale.
  if (!only) for (const stale of readdirSync(to).filter((name) => !names.includes(name) && !name.endsWith(".tmp"))) rmSync(path.join(to, stale), { recursive: true, force: true });
}

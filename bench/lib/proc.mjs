// Process CPU accounting from /proc: utime + stime of every thread of a process, in clock ticks
// (USER_HZ, 100 on Linux), turned into milliseconds. Load phases are seconds long and cover
// thousands of requests, so the 10 ms tick is well below the figures reported.
import { readFileSync, readdirSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on every Linux ABI that Node supports

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm may contain spaces and parentheses: split after the last ')'.
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const rest = text.slice(close + 2).split(" ");
    return { pid, comm, ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
  } catch {
    return null; // the process ended
  }
}

function allProcesses() {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number).map(stat).filter(Boolean);
}

/** Every descendant of `root` (not `root` itself), with its comm. */
export function descendants(root) {
  const all = allProcesses();
  const found = [];
  let frontier = [root];
  while (frontier.length) {
    const children = all.filter((p) => frontier.includes(p.ppid));
    found.push(...children);
    frontier = children.map((p) => p.pid);
  }
  return found;
}

/** CPU milliseconds (user + system, all threads) used so far by the given processes. */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const s = stat(pid);
    if (s) ticks += s.utime + s.stime;
  }
  return ticks * TICK_MS;
}

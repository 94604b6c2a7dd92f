// plot.svg: throughput at 50 connections and latency at 1 connection, ours beside the peer's,
// on log scales (login and GET differ by two orders of magnitude). Plain SVG, no dependencies.
import { betterAuthBars } from "./report-better-auth.mjs";

const COLORS = { ours: "#f38020", peer: "#0c4b33", better_auth: "#5b5bd6" };
const SCENARIOS = [["login", "login"], ["refresh", "refresh"], ["me", "auth GET"]];

function panel({ x, title, unit, values, width = 420, height = 260 }) {
  const max = Math.max(...values.flatMap((v) => v.bars.map((b) => b.value)).filter((v) => v > 0), 1);
  const min = Math.min(...values.flatMap((v) => v.bars.map((b) => b.value)).filter((v) => v > 0), max) / 2;
  const top = 40, bottom = height - 40, left = x + 50;
  const scale = (value) => bottom - ((Math.log10(Math.max(value, min)) - Math.log10(min)) / (Math.log10(max * 1.5) - Math.log10(min))) * (bottom - top);
  const parts = [`<text x="${x + width / 2}" y="22" text-anchor="middle" font-weight="bold">${title}</text>`];
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#999"/><line x1="${left}" y1="${bottom}" x2="${x + width}" y2="${bottom}" stroke="#999"/>`);
  parts.push(`<text x="${x + 12}" y="${(top + bottom) / 2}" transform="rotate(-90 ${x + 12} ${(top + bottom) / 2})" text-anchor="middle" font-size="11">${unit} (log)</text>`);
  const groupWidth = (width - 60) / values.length;
  values.forEach((group, g) => {
    const gx = left + 10 + g * groupWidth;
    const barWidth = (groupWidth - 20) / group.bars.length;
    group.bars.forEach((bar, b) => {
      const bx = gx + b * barWidth;
      const y = scale(bar.value);
      parts.push(`<rect x="${bx.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${(bottom - y).toFixed(1)}" fill="${bar.color}" opacity="${bar.opacity ?? 1}"/>`);
      parts.push(`<text x="${(bx + (barWidth - 4) / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="10">${bar.label}</text>`);
    });
    parts.push(`<text x="${(gx + (groupWidth - 20) / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" font-size="12">${group.name}</text>`);
  });
  return parts.join("\n");
}

const short = (v) => (v >= 100 ? Math.round(v).toString() : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function renderSvg(results) {
  const ours = results.sides.ours.scenarios;
  const peer = results.sides.peer.scenarios;
  const throughput = SCENARIOS.map(([key, name]) => ({
    name,
    bars: [
      { value: ours[key].c50.rps, color: COLORS.ours, label: short(ours[key].c50.rps) },
      { value: peer[key].c50.rps, color: COLORS.peer, label: short(peer[key].c50.rps) },
      ...betterAuthBars(results, key, "c50", (p, side) => [{ value: p.rps, color: COLORS[side], label: short(p.rps) }]),
    ],
  }));
  const latency = SCENARIOS.map(([key, name]) => ({
    name,
    bars: [
      { value: ours[key].c1.p50_ms, color: COLORS.ours, label: short(ours[key].c1.p50_ms) },
      { value: ours[key].c1.p99_ms, color: COLORS.ours, opacity: 0.5, label: short(ours[key].c1.p99_ms) },
      { value: peer[key].c1.p50_ms, color: COLORS.peer, label: short(peer[key].c1.p50_ms) },
      { value: peer[key].c1.p99_ms, color: COLORS.peer, opacity: 0.5, label: short(peer[key].c1.p99_ms) },
      ...betterAuthBars(results, key, "c1", (p, side) => [
        { value: p.p50_ms, color: COLORS[side], label: short(p.p50_ms) },
        { value: p.p99_ms, color: COLORS[side], opacity: 0.5, label: short(p.p99_ms) },
      ]),
    ],
  }));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="320" font-family="sans-serif" font-size="12">
<rect width="900" height="320" fill="white"/>
${panel({ x: 10, title: "Throughput at 50 connections", unit: "req/s", values: throughput })}
${panel({ x: 470, title: "Latency at 1 connection (p50 solid, p99 light)", unit: "ms", values: latency })}
<rect x="20" y="296" width="12" height="12" fill="${COLORS.ours}"/><text x="38" y="306">edge-auth (workerd)</text>
<rect x="170" y="296" width="12" height="12" fill="${COLORS.peer}"/><text x="188" y="306">Django SimpleJWT (gunicorn)</text>
<rect x="380" y="296" width="12" height="12" fill="${COLORS.better_auth}"/><text x="398" y="306">Better Auth (workerd; refresh bar: its JWT mint; GET bars: session, JWT)</text>
</svg>
`;
}

// The glstats view: the kernel's per-glock statistics (debugfs `glstats`, reference §7) as
// the nodes kept them in the shared stats region, one row per glock, most queued holders
// first. Values are integer nanoseconds as the kernel prints them. Each node keeps its own
// record, as each kernel does; the row combines them (collector.ts combineNodeStats: counts
// summed, smoothed means weighted by each node's DLM request count).

import type { GlockProfile } from '../report/result.js';
import { alignColumns } from './format.js';

/** glstats order here: qcount descending, then dcount, then name (the kernel's is hash order). */
export function sortGlstats<T extends GlockProfile>(glocks: readonly T[]): T[] {
  return [...glocks].sort(
    (a, b) => b.qcount - a.qcount || b.dcount - a.dcount || a.type - b.type || a.number - b.number,
  );
}

const ns = (v: number) => String(Math.round(v));

/** The kernel's own line for one glock (gfs2_glstats_seq_show, with the number in decimal). */
export function glstatsLine(g: GlockProfile): string {
  return `G: ${g.name} rtt:${ns(g.srtt)}/${ns(g.srttvar)} rttb:${ns(g.srttb)}/${ns(g.srttvarb)} irt:${ns(g.sirt)}/${ns(g.sirtvar)} dcnt: ${g.dcount} qcnt: ${g.qcount}`;
}

export function formatGlstats(glocks: readonly GlockProfile[], top: number): string {
  const rows = sortGlstats(glocks).slice(0, top);
  if (rows.length === 0) return 'glstats: no glock was used\n';
  const table = [
    ['glock', 'srtt/srttvar', 'srttb/srttvarb', 'sirt/sirtvar', 'dcount', 'qcount'],
    ...rows.map((g) => [
      g.name,
      `${ns(g.srtt)}/${ns(g.srttvar)}`,
      `${ns(g.srttb)}/${ns(g.srttvarb)}`,
      `${ns(g.sirt)}/${ns(g.sirtvar)}`,
      String(g.dcount),
      String(g.qcount),
    ]),
  ];
  return `${alignColumns(table, [false, true, true, true, true, true]).join('\n')}\n`;
}

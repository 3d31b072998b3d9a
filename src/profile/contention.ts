// The `perf lock contention` view: one row per glock that made a holder wait, with the
// number of contended acquisitions, total/max/average wait and `type:mode` (glock type and the
// state most often waited for). Rows come from Ev.waited only (the event stream), so this table
// is independent of the glstats figures, which the nodes keep in shared memory.

import { UsageError } from '../config/errors.js';
import type { GlockProfileDetail } from './collector.js';
import { alignColumns, argMax, formatNs, glockTypeName, stateName } from './format.js';

export const ContentionSorts = ['contended', 'wait-total', 'wait-max', 'wait-avg', 'name'] as const;
export type ContentionSort = (typeof ContentionSorts)[number];

export function parseContentionSort(text: string | undefined): ContentionSort {
  if (text === undefined) return 'contended';
  if ((ContentionSorts as readonly string[]).includes(text)) return text as ContentionSort;
  throw new UsageError(
    `--sort: expected one of ${ContentionSorts.join(', ')}, received ${JSON.stringify(text)}`,
    '--sort',
  );
}

function byName(a: GlockProfileDetail, b: GlockProfileDetail): number {
  return a.type - b.type || a.number - b.number;
}

/** Contended glocks in `sort` order (descending figures; names ascending); ties by name. */
export function sortContention(glocks: readonly GlockProfileDetail[], sort: ContentionSort): GlockProfileDetail[] {
  const key: Record<Exclude<ContentionSort, 'name'>, (g: GlockProfileDetail) => number> = {
    contended: (g) => g.contended,
    'wait-total': (g) => g.waitNsTotal,
    'wait-max': (g) => g.waitNsMax,
    'wait-avg': (g) => g.waitNsAvg,
  };
  const rows = glocks.filter((g) => g.contended > 0);
  if (sort === 'name') return rows.sort(byName);
  const k = key[sort];
  return rows.sort((a, b) => k(b) - k(a) || b.waitNsTotal - a.waitNsTotal || byName(a, b));
}

/** `inode:EX`: the glock type and the state its waiters most often asked for. */
export function typeMode(g: GlockProfileDetail): string {
  const s = argMax(g.waitsByState);
  return `${glockTypeName(g.type)}:${s < 0 ? '-' : stateName(s)}`;
}

export interface ContentionOptions {
  readonly sort: ContentionSort;
  readonly top: number;
  /** `-x <sep>`: machine output, raw nanoseconds, this separator, a header line. */
  readonly separator?: string;
}

const HEADER = ['contended', 'total wait', 'max wait', 'avg wait', 'type', 'glock'];

export function formatContention(glocks: readonly GlockProfileDetail[], o: ContentionOptions): string {
  const rows = sortContention(glocks, o.sort).slice(0, o.top);
  if (o.separator !== undefined) {
    const sep = o.separator;
    const lines = [HEADER.join(sep)];
    for (const g of rows) {
      lines.push(
        [
          g.contended,
          Math.round(g.waitNsTotal),
          Math.round(g.waitNsMax),
          Math.round(g.waitNsAvg),
          typeMode(g),
          g.name,
        ].join(sep),
      );
    }
    return `${lines.join('\n')}\n`;
  }
  if (rows.length === 0) return 'contention: no holder had to wait\n';
  const table = [
    HEADER,
    ...rows.map((g) => [
      String(g.contended),
      formatNs(g.waitNsTotal),
      formatNs(g.waitNsMax),
      formatNs(g.waitNsAvg),
      typeMode(g),
      g.name,
    ]),
  ];
  return `${alignColumns(table, [true, true, true, true, true, false]).join('\n')}\n`;
}

// The profile command's own flags (`--top`, `--sort`, `--view`, `-x`, `--interval`), validated
// into ProfileOptions before anything runs: a bad value is a UsageError (exit 2) naming what
// was expected and what was received.

import { parseDuration } from '../config/duration.js';
import { UsageError } from '../config/errors.js';
import { type ContentionSort, parseContentionSort } from './contention.js';

export const ProfileViews = ['glstats', 'glocktop', 'contention', 'fairness', 'all'] as const;
export type ProfileView = (typeof ProfileViews)[number];

export const TOP_MAX = 1000;
export const INTERVAL_MIN_MS = 100;

export interface ProfileFlags {
  readonly top?: string;
  readonly sort?: string;
  readonly view?: string;
  readonly fieldSeparator?: string;
  readonly interval?: string;
  readonly json?: boolean;
}

export interface ProfileOptions {
  readonly top: number;
  readonly sort: ContentionSort;
  readonly views: readonly Exclude<ProfileView, 'all'>[];
  readonly separator: string | undefined;
  /** Live glocktop refresh period, or null. */
  readonly intervalMs: number | null;
}

export function parseProfileOptions(f: ProfileFlags): ProfileOptions {
  let top = 10;
  if (f.top !== undefined) {
    top = Number(f.top);
    if (f.top.trim() === '' || !Number.isInteger(top) || top < 1 || top > TOP_MAX) {
      throw new UsageError(
        `--top: expected an integer from 1 to ${TOP_MAX}, received ${JSON.stringify(f.top)}`,
        '--top',
      );
    }
  }
  const sort = parseContentionSort(f.sort);
  const view = f.view ?? 'all';
  if (!(ProfileViews as readonly string[]).includes(view)) {
    throw new UsageError(
      `--view: expected one of ${ProfileViews.join(', ')}, received ${JSON.stringify(view)}`,
      '--view',
    );
  }
  const views =
    view === 'all'
      ? (['glstats', 'glocktop', 'contention', 'fairness'] as const)
      : [view as Exclude<ProfileView, 'all'>];
  if (f.fieldSeparator !== undefined && f.fieldSeparator.length === 0) {
    throw new UsageError(
      '-x, --field-separator: expected a non-empty separator such as ",", received ""',
      '--field-separator',
    );
  }
  if (f.fieldSeparator !== undefined && f.json === true) {
    throw new UsageError('-x and --json: expected one machine format on stdout, received both', '--field-separator');
  }
  let intervalMs: number | null = null;
  if (f.interval !== undefined) {
    intervalMs = parseDuration(f.interval, '--interval');
    if (intervalMs < INTERVAL_MIN_MS) {
      throw new UsageError(
        `--interval: expected a duration of at least ${INTERVAL_MIN_MS}ms, received ${JSON.stringify(f.interval)}`,
        '--interval',
      );
    }
  }
  return { top, sort, views, separator: f.fieldSeparator, intervalMs };
}

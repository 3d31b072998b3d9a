// `--dump-journals DIR`: each node's journal as raw blocks in logical order, so other tools
// can read them. `journal<jid>.live.bin` is taken when every node has quiesced (workload
// stopped, log flushed, nothing written back on purpose): a crash image. `journal<jid>.bin`
// is taken after unmount.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { dumpJournal } from '../journal/dump.js';
import type { ClusterMemory } from '../memory/cluster-memory.js';
import { journalLoc } from '../node/journal-loc.js';

function dumpAll(mem: ClusterMemory, cfg: Config, dir: string, suffix: string): void {
  mkdirSync(dir, { recursive: true });
  for (let jid = 0; jid < cfg.nodes; jid++) {
    const bytes = dumpJournal(mem.disk, 0, journalLoc(mem.layout.fs, jid));
    if (bytes === null) throw new Error(`could not read journal ${jid} for --dump-journals`);
    writeFileSync(join(dir, `journal${jid}${suffix}`), bytes);
  }
}

export function dumpLiveJournals(mem: ClusterMemory, cfg: Config, dir: string): void {
  dumpAll(mem, cfg, dir, '.live.bin');
}

export function dumpJournals(mem: ClusterMemory, cfg: Config, dir: string): void {
  dumpAll(mem, cfg, dir, '.bin');
}

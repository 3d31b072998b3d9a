// The one file that runs inside a soak pool worker: it receives one seed job and hands it to
// the soak's seed runner with the orchestrator's runCluster. No other logic lives here.

import { runCluster } from '../src/orchestrator/run.js';
import { runSeed, type SeedJob, type SeedOutcome } from '../src/soak/seed.js';

export default function soakWorker(job: SeedJob): Promise<SeedOutcome> {
  return runSeed(job, runCluster);
}

// The scenario registry (`gfs2-stress scenario list`).

import { UsageError } from '../config/errors.js';
import { s5, s6 } from './recovery-scenarios.js';
import type { Scenario } from './scenario.js';
import { s1, s2, s3, s4 } from './withdraw-scenarios.js';

export const scenarios: readonly Scenario[] = [s1, s2, s3, s4, s5, s6];

export function scenarioByName(name: string): Scenario {
  const s = scenarios.find((x) => x.name === name || x.name.split('-')[0] === name);
  if (s === undefined) {
    throw new UsageError(
      `scenario: expected one of ${scenarios.map((x) => x.name).join(', ')}, received ${JSON.stringify(name)}`,
    );
  }
  return s;
}

export type { Scenario, ScenarioScript } from './scenario.js';

// The protocol generations by name (`--protocol`), ablations included.

import { Protocols } from '../config/config.js';
import { ForceWithdraw } from './force-withdraw.js';
import { LegacyWithdraw } from './legacy.js';
import type { WithdrawProtocol } from './protocol.js';
import { ReleaseRecover } from './release-recover.js';

/** The names `--protocol` accepts (one list, kept with the config validation). */
export const ProtocolNames = Protocols;

export function protocolFor(name: string): WithdrawProtocol {
  switch (name) {
    case 'legacy':
      return new LegacyWithdraw();
    case 'force-withdraw':
      return new ForceWithdraw({ noSecondaryWait: false, lateClear: false });
    case 'force-withdraw:no-secondary-wait':
      return new ForceWithdraw({ noSecondaryWait: true, lateClear: false });
    case 'force-withdraw:late-clear':
      return new ForceWithdraw({ noSecondaryWait: false, lateClear: true });
    case 'release-recover':
      return new ReleaseRecover();
    default:
      throw new RangeError(`protocol: expected one of ${ProtocolNames.join(', ')}, received ${JSON.stringify(name)}`);
  }
}

export type { WithdrawProtocol } from './protocol.js';

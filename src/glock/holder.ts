// A glock holder (struct gfs2_holder): one request of one process for one glock. Holders are
// preallocated by their users (like a gfs2_holder embedded in an inode or a file) and
// re-initialised with holderInit, so acquiring and releasing allocates nothing. Each holder
// owns the wait channel its process sleeps on (the kernel's wait_on_bit(HIF_WAIT)).

import { LmState } from '../dlm/api.js';
import { Channel, type Proc } from '../node/proc.js';
import { HolderIFlag } from './flags.js';
import type { Glock } from './glock.js';

export class Holder {
  gl: Glock | null = null;
  /** Requested state (LmState). */
  state: number = LmState.un;
  /** HolderFlag bits. */
  flags = 0;
  /** HolderIFlag bits. */
  iflags = 0;
  /** 0, GLR_TRYFAILED or a negative errno once the request has failed. */
  error = 0;
  /** Owning process and its pid, recorded at nq (gh_owner_pid). */
  proc: Proc | null = null;
  pid = 0;
  /** When the holder started to wait (set only if nq had to queue it). */
  queuedAtNs = -1;
  /** Intrusive queue links (gh_list): no allocation when queueing. */
  prev: Holder | null = null;
  next: Holder | null = null;
  /** Where the owner sleeps until granted or failed. Only the owner waits on it. */
  readonly channel: Channel;

  constructor(name = 'holder') {
    this.channel = new Channel(name, 1);
  }

  get granted(): boolean {
    return (this.iflags & HolderIFlag.holder) !== 0;
  }

  get waiting(): boolean {
    return (this.iflags & HolderIFlag.wait) !== 0;
  }
}

/** gfs2_holder_init / gfs2_holder_reinit: aim `h` at `gl` for `state` with `flags`. */
export function holderInit(h: Holder, gl: Glock, state: number, flags: number): void {
  if (h.iflags !== 0) {
    throw new Error(`holderInit on a queued holder (glock ${gl.type}/${gl.number}, iflags ${h.iflags})`);
  }
  h.gl = gl;
  h.state = state;
  h.flags = flags;
  h.error = 0;
}

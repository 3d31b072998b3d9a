// Process exit codes, shared by every subcommand. They follow the ecosystem's conventions
// (sysexits for the internal error, 128 + SIGINT for an interrupt) so a script can tell a tool
// bug from a protocol failure: an invariant violation is a finding, exit 70 is our own bug.

export const ExitCode = {
  /** The run completed and every check passed. */
  ok: 0,
  /** The checker found an invariant (correctness or liveness) violated. */
  violation: 1,
  /** The command line or the config was invalid; nothing ran. */
  usage: 2,
  /** A user-set threshold (latency, throughput) was breached. */
  threshold: 3,
  /** An internal error of the tool (EX_SOFTWARE): a bug, never reported as a violation. */
  internal: 70,
  /** Interrupted by SIGINT, after writing partial results. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

// The one error type for bad user input (flags, config files, scenario names). It extends
// RangeError, following the convention "validate options up front with TypeError / RangeError",
// and is what the CLI maps to exit code 2. Its message says what was expected and what was
// received; no stack trace is ever shown for it. Any other error reaching the CLI is a bug.

export class UsageError extends RangeError {
  /** The option or field at fault, as the user spelled it (e.g. `--nodes`), when known. */
  readonly option: string | null;

  constructor(message: string, option: string | null = null) {
    super(message);
    this.name = 'UsageError';
    this.option = option;
  }
}

export function isUsageError(err: unknown): err is UsageError {
  return err instanceof UsageError;
}

/** Render a received value for an error message: strings quoted, everything else as JSON. */
export function describeReceived(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// Run the compiled CLI as a child process, as a user would, with a time bound; shared by the
// tests that check exit codes and stdout/stderr routing.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** A child still running after this is killed (the test then sees `signal` set). */
const TIMEOUT_MS = 30_000;

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `timeoutMs`: a longer bound for commands that legitimately run long (bench all --quick). */
export function runCli(
  args: readonly string[],
  opts: { readonly timeoutMs?: number; readonly cwd?: string } = {},
): Promise<CliExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? TIMEOUT_MS,
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

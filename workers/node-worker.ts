// The one file that runs inside a piscina worker: it receives the start message and hands it
// to the node task. No file-system or protocol logic lives here.

import type { NodeTask } from '../src/driver/messages.js';
import { runNodeTask } from '../src/driver/threads-task.js';

export default function nodeWorker(task: NodeTask): Uint8Array {
  return runNodeTask(task);
}

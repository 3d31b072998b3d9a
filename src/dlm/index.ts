// Public names of the DLM: the lock manager in shared memory, its callback rings and layout.
export { CbKind, DlmFlag, DlmMode, DlmStatus, dlmModeOf, GlockType, LmState, LockNumber, lmStateOf } from './api.js';
export { CallbackRing, CbField, callbackRingBytes, callbackRingWords } from './callback-ring.js';
export { Dlm } from './dlm.js';
export type { DlmLayout } from './layout.js';
export { dlmModesCompatible, dlmRegionBytes, STAT_FIELDS, StatField } from './layout.js';

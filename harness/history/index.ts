// The history's public surface: op records, the recorder, and the run folder's record files.
export * from './op.ts';
export * from './pairs.ts';
export * from './faults.ts';
export * from './jsonl.ts';
export * from './run-folder.ts';
export * from './recorder.ts';

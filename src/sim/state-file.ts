// Reading and writing simulator state files (`simulate --state FILE`): JSON in the SimStateInput shape.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { SimStateError, SimStateStore } from './state.js';
import type { SimState, SimStateInput } from './types.js';

/** Reads and validates a state file; errors name the file and the offending entry. */
export async function loadStateFile(path: string): Promise<SimStateInput> {
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SimStateError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    new SimStateStore({}, input as SimStateInput);
  } catch (error) {
    if (error instanceof SimStateError) throw new SimStateError(`${path}: ${error.message}`);
    throw error;
  }
  return input as SimStateInput;
}

/** Writes a snapshot (or a store's current state) as pretty JSON, atomically. */
export async function saveState(path: string, state: SimState | SimStateInput | SimStateStore): Promise<void> {
  const data = state instanceof SimStateStore ? state.snapshot() : state;
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`);
  await rename(temp, path);
}

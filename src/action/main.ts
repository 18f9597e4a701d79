// The Action's entry (bundled to dist/index.js): run() does everything, and sets the step's outcome itself.
import { run } from './run.js';

await run();

import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The report job's built entry point, as its container image runs it (its Dockerfile's CMD). */
export const REPORT_JOB_ENTRY = join(REPO_ROOT, 'batch/dist/main.js');

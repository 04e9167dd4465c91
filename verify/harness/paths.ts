import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The built entry points, as the container images run them (docker/*.Dockerfile CMDs). */
export const TASK_SERVICE_ENTRY = join(REPO_ROOT, 'services/task-service/dist/main.js');
export const REPORT_JOB_ENTRY = join(REPO_ROOT, 'batch/dist/main.js');

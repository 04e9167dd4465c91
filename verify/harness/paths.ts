import { join, resolve } from 'node:path';
import { TASK_SERVICE_ENTRY as TASK_SERVICE_BUILT_ENTRY } from '@task-manager/task-service/launch';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The built entry points, as the container images run them (docker/*.Dockerfile CMDs). */
export const TASK_SERVICE_ENTRY = join(REPO_ROOT, TASK_SERVICE_BUILT_ENTRY);
export const REPORT_JOB_ENTRY = join(REPO_ROOT, 'batch/dist/main.js');

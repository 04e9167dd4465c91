/**
 * What every part of the smoke test shares.
 */
import type { Checks } from './checks.ts';
import type { Sandbox } from './sandbox.ts';

export interface SmokeContext {
  checks: Checks;
  sandbox: Sandbox;
  /** Data of the ConfigMap task-manager-config (k8s/base). */
  configMap: Readonly<Record<string, string>>;
}

/** The Pods' terminationGracePeriodSeconds (k8s/base); `docker stop` gets the same. */
export const GRACE_SECONDS = 30;

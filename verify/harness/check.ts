import type { VerifyContext } from './context.ts';

/** One row of verify's table. A check passes when it reports no failure. */
export interface Check {
  name: string;
  run(context: VerifyContext): Promise<CheckOutcome>;
}

export interface CheckOutcome {
  /** The measured figures, printed whether the check passes or not. */
  figures: string[];
  /** Why the check fails; empty when it passes. */
  failures: string[];
}

export interface CheckResult extends CheckOutcome {
  name: string;
  passed: boolean;
}

/**
 * What the three Kubernetes probes report:
 *   liveness   the process is running its event loop (answering at all proves it);
 *   startup    the service has initialised and reached its table once;
 *   readiness  it can serve traffic now: the last table check passed and no shutdown began.
 */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

export class HealthState {
  #started = false;
  #checked = false;
  #tableReachable = false;
  #tableProblem = 'the tasks table has not been checked yet';
  #shuttingDown = false;

  get startup(): ProbeResult {
    return this.#started ? { ok: true } : { ok: false, reason: this.#tableProblem };
  }

  get readiness(): ProbeResult {
    if (this.#shuttingDown) return { ok: false, reason: 'shutting down' };
    if (!this.#tableReachable) return { ok: false, reason: this.#tableProblem };
    return { ok: true };
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Records a table check; returns whether it is the first or reachability changed. */
  recordTableCheck(result: ProbeResult): boolean {
    const changed = !this.#checked || result.ok !== this.#tableReachable;
    this.#checked = true;
    this.#tableReachable = result.ok;
    if (result.ok) this.#started = true;
    else this.#tableProblem = result.reason;
    return changed;
  }

  beginShutdown(): void {
    this.#shuttingDown = true;
  }
}

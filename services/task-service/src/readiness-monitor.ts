import type { Logger } from 'pino';
import type { HealthState } from './health.ts';

export interface ReadinessMonitorOptions {
  health: HealthState;
  /** Resolves when the table is usable, rejects with the reason when not. */
  check: (signal: AbortSignal) => Promise<void>;
  intervalMs: number;
  /** Upper bound for one check, so a hung DynamoDB cannot stall the probe's view. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * Checks the table in the background, at most once per interval, and records the result in
 * HealthState. Probes then answer from memory: probe traffic never reaches DynamoDB, and a
 * slow DynamoDB never makes a probe slow.
 */
export class ReadinessMonitor {
  readonly #options: ReadinessMonitorOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #abort = new AbortController();

  constructor(options: ReadinessMonitorOptions) {
    this.#options = options;
  }

  /** Runs the first check at once, then one `intervalMs` after each check ends. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#abort = new AbortController();
    void this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
  }

  /** The check in progress, if any (tests and shutdown wait for it). */
  get settled(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #tick(): Promise<void> {
    this.#running = this.#checkOnce();
    await this.#running;
    this.#running = undefined;
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#options.intervalMs);
    // Never the reason the process stays alive: shutdown decides when to exit.
    this.#timer.unref();
  }

  async #checkOnce(): Promise<void> {
    const { health, check, timeoutMs, logger } = this.#options;
    const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(timeoutMs)]);
    let result: { ok: true } | { ok: false; reason: string };
    try {
      await check(signal);
      result = { ok: true };
    } catch (error) {
      if (this.#stopped) return;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      result = { ok: false, reason: `the tasks table is not reachable (${reason})` };
    }
    if (health.recordTableCheck(result)) {
      if (result.ok) logger.info('tasks table reachable: ready');
      else logger.warn({ reason: result.reason }, 'tasks table unreachable: not ready');
    }
  }
}

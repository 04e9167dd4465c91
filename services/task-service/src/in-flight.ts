/**
 * The requests the service is answering right now. A request enters when it arrives and
 * leaves only once its log line is written, so a shutdown that waits for `idle()` logs
 * "task-service stopped" after every request's line: the order is a guarantee, not luck.
 */
import type { ServerResponse } from 'node:http';

export class InFlightRequests implements Iterable<ServerResponse> {
  readonly #responses = new Set<ServerResponse>();
  #waiters: (() => void)[] = [];

  get size(): number {
    return this.#responses.size;
  }

  add(res: ServerResponse): void {
    this.#responses.add(res);
  }

  /** The request's log line is written: it no longer holds up a shutdown. */
  done(res: ServerResponse): void {
    this.#responses.delete(res);
    if (this.#responses.size > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once no request is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.#responses.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  [Symbol.iterator](): Iterator<ServerResponse> {
    return this.#responses.values();
  }
}

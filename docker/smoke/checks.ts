/**
 * The smoke test's checks are node:test tests, the runner of every Node-side test here: each
 * check is a subtest of the run's one test, reported as it ends (with its detail as a
 * diagnostic), and node:test sets the exit code and prints the tally. The helpers below keep the
 * checks' own code free of the runner: a check returns its detail or throws.
 */
import type { TestContext } from 'node:test';

/** Thrown by a check that cannot pass; its message is the reason node:test reports. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

/** Fails the current check unless `condition` holds. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

export class Checks {
  readonly #test: TestContext;

  /** `test`: the context of the test the checks are subtests of. */
  constructor(test: TestContext) {
    this.#test = test;
  }

  /** Reports a check that failed without running (something it needs is missing). */
  async fail(name: string, reason: string): Promise<void> {
    await this.#test.test(name, () => {
      throw new CheckFailure(reason);
    });
  }

  /**
   * Runs one check. `body` returns the detail reported with it, or throws to fail.
   * Resolves to true when it passed, so callers can skip what depends on it.
   */
  async check(name: string, body: () => Promise<string | void> | string | void): Promise<boolean> {
    return (await this.#run(name, body, (detail) => detail ?? '')) !== undefined;
  }

  /** Like check(), but hands back the body's value (undefined when it failed). */
  async step<T>(
    name: string,
    body: () => Promise<T>,
    detail: (value: T) => string = () => '',
  ): Promise<T | undefined> {
    return (await this.#run(name, body, detail))?.value;
  }

  /** The check as a subtest; its value, wrapped so that a passing `undefined` still shows. */
  async #run<T>(
    name: string,
    body: () => Promise<T> | T,
    detail: (value: T) => string,
  ): Promise<{ value: T } | undefined> {
    let outcome: { value: T } | undefined;
    await this.#test.test(name, async (t) => {
      const value = await body();
      const text = detail(value);
      if (text) t.diagnostic(text);
      outcome = { value };
    });
    return outcome;
  }
}

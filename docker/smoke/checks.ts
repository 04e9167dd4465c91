/**
 * The smoke test's report: one line per check as it happens, and a final `N passed, N failed`.
 */

/** Thrown by a check that cannot pass; its message is the line's explanation. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

/** Fails the current check unless `condition` holds. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

/** Check lines stay single lines, even when a reason quotes a command's output. */
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' | ');
}

function describe(error: unknown): string {
  if (error instanceof CheckFailure) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export class Checks {
  #passed = 0;
  #failed = 0;

  get passed(): number {
    return this.#passed;
  }

  get failed(): number {
    return this.#failed;
  }

  pass(name: string, detail?: string): void {
    this.#passed += 1;
    console.log(`PASS ${name}${detail ? ` (${oneLine(detail)})` : ''}`);
  }

  fail(name: string, reason: string): void {
    this.#failed += 1;
    console.log(`FAIL ${name}: ${oneLine(reason)}`);
  }

  /**
   * Runs one check. `body` returns the detail printed after the name, or throws to fail.
   * Resolves to true when it passed, so callers can skip what depends on it.
   */
  async check(name: string, body: () => Promise<string | void> | string | void): Promise<boolean> {
    try {
      const detail = await body();
      this.pass(name, detail ?? undefined);
      return true;
    } catch (error) {
      this.fail(name, describe(error));
      return false;
    }
  }

  /** Like check(), but hands back the body's value (undefined when it failed). */
  async step<T>(
    name: string,
    body: () => Promise<T>,
    detail: (value: T) => string = () => '',
  ): Promise<T | undefined> {
    try {
      const value = await body();
      this.pass(name, detail(value) || undefined);
      return value;
    } catch (error) {
      this.fail(name, describe(error));
      return undefined;
    }
  }

  summary(): string {
    return `${this.#passed} passed, ${this.#failed} failed`;
  }
}

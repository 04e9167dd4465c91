/**
 * axe-core (the npm package) in the page under test: its source is evaluated through the
 * DevTools protocol, which the page's Content-Security-Policy does not govern, so the policy
 * stays in force for the app itself. Only serious and critical findings count.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface Finding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

const COUNTED = new Set(['serious', 'critical']);

export async function axeFindings(page: Page): Promise<Finding[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const engine = (window as unknown as { axe: typeof axe }).axe;
    const result = await engine.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? 'unknown',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter((violation) => COUNTED.has(violation.impact));
}

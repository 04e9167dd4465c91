/** Kubernetes resource quantities, for comparing requests with limits. */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** The quantity as a number of base units (cores for CPU, bytes for memory). */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity);
  if (!match) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  const [, amount, suffix = ''] = match;
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  if (factor === undefined) throw new Error(`unknown quantity suffix in ${quantity}`);
  return Number(amount) * factor;
}

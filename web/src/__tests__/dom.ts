import type { DOMWrapper, VueWrapper } from '@vue/test-utils';

/** The control a <label> names, found the way a person (or a screen reader) finds it. */
export function control(
  wrapper: VueWrapper | DOMWrapper<Element>,
  labelText: string,
): DOMWrapper<HTMLInputElement> {
  const label = wrapper
    .findAll('label')
    .find((candidate) => candidate.text().startsWith(labelText));
  if (!label) throw new Error(`No label "${labelText}"`);
  const id = label.attributes('for');
  return wrapper.find<HTMLInputElement>(`[id="${id}"]`);
}

/** The texts an element's aria-describedby points at: its hint, counter and error. */
export function description(wrapper: VueWrapper, element: DOMWrapper<Element>): string {
  const ids = (element.attributes('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => wrapper.find(`[id="${id}"]`).text()).join(' | ');
}

export function buttonNamed(wrapper: VueWrapper, name: string): DOMWrapper<HTMLButtonElement> {
  const button = wrapper
    .findAll<HTMLButtonElement>('button')
    .find((candidate) => candidate.text().replace(/\s+/g, ' ').trim() === name);
  if (!button) throw new Error(`No button "${name}"`);
  return button;
}

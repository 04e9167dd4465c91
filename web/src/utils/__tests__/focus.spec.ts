import { afterEach, describe, expect, it } from 'vitest';
import { keepingFocus } from '../focus';

afterEach(() => document.body.replaceChildren());

/** A page: its heading in <main>, and a control that an action may take away. */
function page() {
  document.body.innerHTML =
    '<main><h1 tabindex="-1">Tasks</h1><div class="alert"><button>Dismiss</button></div>' +
    '<input aria-label="Search"></main>';
  const heading = document.querySelector('h1')!;
  const button = document.querySelector('button')!;
  const search = document.querySelector('input')!;
  button.focus();
  return { heading, button, search };
}

describe('keepingFocus', () => {
  it('an action that takes its own control away leaves focus on the page heading', async () => {
    const { heading, button } = page();
    await keepingFocus(() => button.closest('.alert')!.remove());
    expect(document.activeElement).toBe(heading);
  });

  it('also when the action fails', async () => {
    const { heading, button } = page();
    const failing = keepingFocus(() => {
      button.remove();
      throw new Error('refused');
    });
    await expect(failing).rejects.toThrow('refused');
    expect(document.activeElement).toBe(heading);
  });

  it('focus still somewhere (the control stayed, or the action moved it) is left alone', async () => {
    const { button, search } = page();
    await keepingFocus(() => {});
    expect(document.activeElement).toBe(button);
    await keepingFocus(() => search.focus());
    expect(document.activeElement).toBe(search);
  });

  it('goes where the caller says when it says', async () => {
    const { button, search } = page();
    await keepingFocus(
      () => button.remove(),
      () => search.focus(),
    );
    expect(document.activeElement).toBe(search);
  });
});

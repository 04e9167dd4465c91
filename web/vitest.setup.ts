import { afterEach } from 'vitest';

// jsdom has <dialog> but not its methods. This stand-in covers what ModalDialog relies on (the
// open state and the close event); the real browser behaviour (top layer, inert page, Esc) is
// exercised by the end-to-end tests in Chromium.
if (typeof HTMLDialogElement.prototype.showModal !== 'function') {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return;
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}

afterEach(() => {
  localStorage.clear();
  document.body.innerHTML = '';
});

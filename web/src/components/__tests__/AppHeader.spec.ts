import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, json } from '@/__tests__/fake-api';
import { buttonNamed } from '@/__tests__/dom';
import { testRouter } from '@/__tests__/router';
import { configureApi } from '@/api/http';
import { resetSession, useSession } from '@/composables/useSession';
import { setLocale } from '@/i18n';
import { browser } from '@/utils/navigation';
import AppHeader from '../AppHeader.vue';

let assign: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  setLocale('en');
  resetSession();
  configureApi({ onUnauthorized: () => {} });
  assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
});
afterEach(() => assign.mockRestore());

const END_SESSION = 'http://localhost:9000/session/end?id_token_hint=x';

async function signedInAs(userId: string, name: string, isAdmin: boolean) {
  const { requests } = fakeApi((request) =>
    new URL(request.url).pathname === '/auth/logout'
      ? json(200, { redirectTo: END_SESSION })
      : json(200, { userId, name, isAdmin }),
  );
  await useSession().ensureSession();
  const router = await testRouter('/');
  const wrapper = mount(AppHeader, { global: { plugins: [router] } });
  await flushPromises();
  return { wrapper, router, requests };
}

const links = (wrapper: Awaited<ReturnType<typeof signedInAs>>['wrapper']) =>
  wrapper.findAll('nav a').map((link) => link.text());

describe('AppHeader', () => {
  it('shows the Reports link to admins', async () => {
    const { wrapper, requests } = await signedInAs('admin', 'admin', true);
    expect(links(wrapper)).toEqual(['Tasks', 'Reports']);
    expect(new URL(requests[0]!.url).pathname).toBe('/api/me');
  });

  it('hides it from everyone else, and greets them by name', async () => {
    const { wrapper } = await signedInAs('u-42', 'Alice Smith', false);
    expect(links(wrapper)).toEqual(['Tasks']);
    expect(wrapper.text()).toContain('Signed in as Alice Smith');
    expect(wrapper.find('.user').attributes('title')).toBe('u-42');
  });

  it('signs out at task-service, then follows to the provider’s end-session page', async () => {
    const { wrapper, requests } = await signedInAs('alice', 'alice', false);
    await buttonNamed(wrapper, 'Sign out').trigger('click');
    await flushPromises();
    const logout = requests.at(-1)!;
    expect(logout.method).toBe('POST');
    expect(new URL(logout.url).pathname).toBe('/auth/logout');
    expect(assign).toHaveBeenCalledWith(END_SESSION);
    expect(useSession().signedIn.value).toBe(false);
    expect(wrapper.find('nav').exists()).toBe(false);
  });

  it('switches the language and remembers it', async () => {
    const { wrapper } = await signedInAs('alice', 'alice', false);
    await wrapper.find('select').setValue('ja');
    expect(links(wrapper)).toEqual(['タスク']);
    expect(localStorage.getItem('task-manager.locale')).toBe('ja');
  });
});

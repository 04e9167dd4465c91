import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, json } from '@/__tests__/fake-api';
import { buttonNamed } from '@/__tests__/dom';
import { testRouter } from '@/__tests__/router';
import { configureApi } from '@/api/http';
import { currentUserId, useSession } from '@/composables/useSession';
import { setLocale } from '@/i18n';
import AppHeader from '../AppHeader.vue';

beforeEach(() => {
  setLocale('en');
  configureApi({ user: currentUserId, onUnauthorized: () => {} });
});

async function signedInAs(userId: string, isAdmin: boolean) {
  const { requests } = fakeApi(() => json(200, { userId, isAdmin }));
  const session = useSession();
  session.signIn(userId);
  await session.loadMe();
  const router = await testRouter('/');
  const wrapper = mount(AppHeader, { global: { plugins: [router] } });
  await flushPromises();
  return { wrapper, router, requests };
}

const links = (wrapper: Awaited<ReturnType<typeof signedInAs>>['wrapper']) =>
  wrapper.findAll('nav a').map((link) => link.text());

describe('AppHeader', () => {
  it('shows the Reports link to admins', async () => {
    const { wrapper, requests } = await signedInAs('admin', true);
    expect(links(wrapper)).toEqual(['Tasks', 'Reports']);
    expect(new URL(requests[0]!.url).pathname).toBe('/api/me');
    expect(requests[0]!.headers.get('X-Forwarded-User')).toBe('admin');
  });

  it('hides it from everyone else', async () => {
    const { wrapper } = await signedInAs('alice', false);
    expect(links(wrapper)).toEqual(['Tasks']);
    expect(wrapper.text()).toContain('Signed in as alice');
  });

  it('signs out, forgetting the name', async () => {
    const { wrapper, router } = await signedInAs('alice', false);
    await buttonNamed(wrapper, 'Sign out').trigger('click');
    await flushPromises();
    expect(useSession().userId.value).toBeNull();
    expect(localStorage.getItem('task-manager.user')).toBeNull();
    expect(router.currentRoute.value.name).toBe('signin');
  });

  it('switches the language and remembers it', async () => {
    const { wrapper } = await signedInAs('alice', false);
    await wrapper.find('select').setValue('ja');
    expect(links(wrapper)).toEqual(['タスク']);
    expect(localStorage.getItem('task-manager.locale')).toBe('ja');
  });
});

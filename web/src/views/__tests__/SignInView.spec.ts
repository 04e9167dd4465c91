import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { buttonNamed, control, description } from '@/__tests__/dom';
import { testRouter } from '@/__tests__/router';
import { USER_STORAGE_KEY, useSession } from '@/composables/useSession';
import { setLocale } from '@/i18n';
import SignInView from '../SignInView.vue';

beforeEach(() => {
  setLocale('en');
  useSession().signOut();
});

async function mountAt(path: string) {
  const router = await testRouter(path, [{ path: '/reports', component: { template: '<p/>' } }]);
  const wrapper = mount(SignInView, { global: { plugins: [router] }, attachTo: document.body });
  return { wrapper, router };
}

describe('SignInView', () => {
  it('explains that local mode has no password and the name is sent as X-Forwarded-User', async () => {
    const { wrapper } = await mountAt('/signin');
    expect(wrapper.text()).toContain('There is no password in local mode');
    expect(wrapper.text()).toContain('X-Forwarded-User');
  });

  it('accepts only names the API accepts', async () => {
    const { wrapper, router } = await mountAt('/signin');
    const name = control(wrapper, 'Your name');
    await buttonNamed(wrapper, 'Sign in').trigger('submit');
    await wrapper.find('form').trigger('submit');
    expect(description(wrapper, name)).toContain('Enter your name.');

    await name.setValue('two words');
    await wrapper.find('form').trigger('submit');
    expect(name.attributes('aria-invalid')).toBe('true');
    expect(description(wrapper, name)).toContain('Use only letters, digits and . _ @ -');
    expect(useSession().userId.value).toBeNull();
    expect(router.currentRoute.value.path).toBe('/signin');
  });

  it('signs in, remembers the name and goes where the person was heading', async () => {
    const { wrapper, router } = await mountAt('/signin?redirect=/reports');
    await control(wrapper, 'Your name').setValue(' alice@example.com ');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(useSession().userId.value).toBe('alice@example.com');
    expect(localStorage.getItem(USER_STORAGE_KEY)).toBe('alice@example.com');
    expect(router.currentRoute.value.path).toBe('/reports');
  });

  it('never redirects to another site', async () => {
    const { wrapper, router } = await mountAt('/signin?redirect=//evil.example/');
    await control(wrapper, 'Your name').setValue('alice');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/');
  });
});

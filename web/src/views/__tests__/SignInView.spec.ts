import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, fakeApi, json } from '@/__tests__/fake-api';
import { buttonNamed } from '@/__tests__/dom';
import { testRouter } from '@/__tests__/router';
import { configureApi } from '@/api/http';
import { resetSession } from '@/composables/useSession';
import { setLocale } from '@/i18n';
import { browser } from '@/utils/navigation';
import SignInView from '../SignInView.vue';

let assign: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  setLocale('en');
  resetSession();
  configureApi({ onUnauthorized: () => {} });
  assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
});
afterEach(() => assign.mockRestore());

async function mountAt(path: string, signedIn = false) {
  fakeApi(() =>
    signedIn
      ? json(200, { userId: 'alice', name: 'Alice', isAdmin: false })
      : apiError(401, 'authentication required', [{ field: 'Authorization', message: 'x' }]),
  );
  const router = await testRouter(path, [{ path: '/reports', component: { template: '<p/>' } }]);
  const wrapper = mount(SignInView, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

describe('SignInView', () => {
  // The same page serves production (Cognito) and npm start (the development provider, whose own
  // page says it asks no password): nothing here may describe one provider.
  it('asks for no credentials itself and says nothing of which provider signs in', async () => {
    const { wrapper } = await mountAt('/signin');
    expect(wrapper.text()).not.toMatch(/password|development|npm start|admin/i);
    expect(wrapper.find('input').exists()).toBe(false);
  });

  it('sends the person to sign in at task-service, coming back where they were heading', async () => {
    const { wrapper } = await mountAt('/signin?redirect=/reports%3Fx%3D1');
    await buttonNamed(wrapper, 'Sign in').trigger('click');
    expect(assign).toHaveBeenCalledWith('/auth/login?returnTo=%2Freports%3Fx%3D1');
  });

  it('never sends anyone to another site afterwards', async () => {
    const { wrapper } = await mountAt('/signin?redirect=//evil.example/');
    await buttonNamed(wrapper, 'Sign in').trigger('click');
    expect(assign).toHaveBeenCalledWith('/auth/login?returnTo=%2F');
  });

  it('says when a sign-in did not finish', async () => {
    const { wrapper } = await mountAt('/signin?error=sign-in-failed');
    expect(wrapper.find('[role="alert"]').text()).toBe('Signing in did not finish. Try again.');
  });

  it('says when the session ended (signed out in another tab, or it ran out), and only then', async () => {
    const { wrapper } = await mountAt('/signin?redirect=/all&reason=unauthorized');
    expect(wrapper.find('[role="alert"]').text()).toBe('Your session has ended. Sign in again.');
    const plain = await mountAt('/signin?redirect=/all');
    expect(plain.wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('already signed in: goes on to where the person was heading', async () => {
    const { router } = await mountAt('/signin?redirect=/reports', true);
    expect(router.currentRoute.value.path).toBe('/reports');
    expect(assign).not.toHaveBeenCalled();
  });
});

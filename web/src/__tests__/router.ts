import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router';

const Stub = { template: '<div />' };

/** A router with the app's paths, for components that render RouterLinks. */
export async function testRouter(path = '/', routes: RouteRecordRaw[] = []) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      ...routes,
      { path: '/', name: 'upcoming', component: Stub, meta: { section: 'tasks' } },
      { path: '/all', name: 'all', component: Stub, meta: { section: 'tasks' } },
      { path: '/done', name: 'done', component: Stub, meta: { section: 'tasks' } },
      { path: '/reports', name: 'reports', component: Stub, meta: { section: 'reports' } },
      { path: '/signin', name: 'signin', component: Stub },
    ],
  });
  await router.push(path);
  await router.isReady();
  return router;
}

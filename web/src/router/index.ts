import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from '@/composables/useSession';
import type { MessageKey } from '@/i18n';
import SignInView from '@/views/SignInView.vue';
import TasksView from '@/views/TasksView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** The document title. */
    title?: MessageKey;
    /** The header link to highlight. */
    section?: 'tasks' | 'reports';
  }
}

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/signin',
      name: 'signin',
      component: SignInView,
      meta: { public: true, title: 'signIn.title' },
    },
    {
      path: '/',
      name: 'upcoming',
      component: TasksView,
      props: { view: 'upcoming' },
      meta: { title: 'tasks.upcoming', section: 'tasks' },
    },
    {
      path: '/all',
      name: 'all',
      component: TasksView,
      props: { view: 'all' },
      meta: { title: 'tasks.all', section: 'tasks' },
    },
    {
      path: '/done',
      name: 'done',
      component: TasksView,
      props: { view: 'done' },
      meta: { title: 'tasks.done', section: 'tasks' },
    },
    {
      path: '/reports',
      name: 'reports',
      // Only admins open it, so its code (chart included) loads on demand.
      component: () => import('@/views/ReportsView.vue'),
      meta: { title: 'reports.heading', section: 'reports' },
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('@/views/NotFoundView.vue'),
      meta: { public: true, title: 'notFound.heading' },
    },
  ],
});

// Pages other than the public ones need a session; who is signed in is asked once, then known.
router.beforeEach(async (to) => {
  if (to.meta.public) return;
  if ((await useSession().ensureSession()) === 'signed-out') {
    return { name: 'signin', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  }
});

export default router;

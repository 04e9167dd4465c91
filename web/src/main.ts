import './assets/main.css';

import { createApp } from 'vue';
import { configureApi } from './api/http';
import App from './App.vue';
import { i18n } from './i18n';
import { useSession } from './composables/useSession';
import router from './router';

configureApi({
  onUnauthorized() {
    // The session ended while the person was signed in (idle or absolute limit, a new key):
    // sign in again, keeping what they typed. A 401 while the status is still being asked is
    // the answer "nobody is signed in", which the router handles.
    const session = useSession();
    // A 401 of /api/me itself (another tab signed out) is answered by loadMe: sign-in page.
    if (session.status.value === 'signed-in' && !session.meLoading.value) session.reauthenticate();
  },
});

createApp(App).use(i18n).use(router).mount('#app');

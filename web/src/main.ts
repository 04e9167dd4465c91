import './assets/main.css';

import { createApp } from 'vue';
import { configureApi } from './api/http';
import App from './App.vue';
import { currentUserId, useSession } from './composables/useSession';
import router from './router';

configureApi({
  user: currentUserId,
  onUnauthorized() {
    // The API refused the name: start again at sign-in, then come back here.
    useSession().signOut();
    const here = router.currentRoute.value;
    if (here.name !== 'signin') {
      void router.push({
        name: 'signin',
        query: { reason: 'unauthorized', redirect: here.fullPath },
      });
    }
  },
});

createApp(App).use(router).mount('#app');

/** `npm start`: the whole app on this machine; see local-app.ts. */
import { runLocalApp } from './local-app.ts';

await runLocalApp({ watch: false });

/** `npm run dev`: `npm start`, with task-service restarting whenever its sources change. */
import { runLocalApp } from './local-app.ts';

await runLocalApp({ watch: true });

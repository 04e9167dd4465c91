import { Router } from 'express';
import { methodNotAllowed } from '../middleware/errors.ts';
import { requireUser } from '../middleware/require-user.ts';
import { userOf } from '../request-context.ts';

/** Who the API thinks you are, so the UI can greet the user and show admin-only parts. */
export function meRouter(adminUsers: ReadonlySet<string>): Router {
  const router = Router();
  router.get('/api/me', requireUser(), (_req, res) => {
    const userId = userOf(res);
    res.json({ userId, isAdmin: adminUsers.has(userId) });
  });
  router.all('/api/me', methodNotAllowed(['GET', 'HEAD']));
  return router;
}

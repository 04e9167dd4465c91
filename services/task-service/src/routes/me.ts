import { Router } from 'express';
import { authenticate, type Authentication } from '../auth/authentication.ts';
import { isAdmin } from '../auth/identity.ts';
import { methodNotAllowed } from '../middleware/errors.ts';
import { noQueryParameters } from '../middleware/no-query.ts';
import { identityOf } from '../request-context.ts';

/** Who the API thinks you are, so the UI can greet the user and show admin-only parts. */
export function meRouter(auth: Authentication): Router {
  const router = Router();
  router.get('/api/me', authenticate(auth), noQueryParameters, (_req, res) => {
    const identity = identityOf(res);
    res.json({
      userId: identity.userId,
      name: identity.name,
      isAdmin: isAdmin(identity, auth.config),
    });
  });
  router.all('/api/me', methodNotAllowed(['GET', 'HEAD']));
  return router;
}

import fc from 'fast-check';
import { TASK_VIEWS, type ListOptions, type TaskView } from '@/composables/useTaskList';

/**
 * A view and options it can show (Done holds done tasks only, and only Done sorts by
 * completion), searching for words from `q` or for nothing.
 */
export function viewAndOptions(q: fc.Arbitrary<string>): fc.Arbitrary<[TaskView, ListOptions]> {
  return fc.constantFrom(...TASK_VIEWS).chain((view) =>
    fc.tuple(
      fc.constant(view),
      fc.record(
        {
          status:
            view === 'done'
              ? fc.constant('done' as const)
              : fc.constantFrom('all' as const, 'open' as const, 'done' as const),
          sort:
            view === 'done'
              ? fc.constantFrom('startAt' as const, 'completedAt' as const)
              : fc.constant('startAt' as const),
          order: fc.constantFrom('asc' as const, 'desc' as const),
          q,
        },
        { requiredKeys: ['status', 'sort', 'order'] },
      ),
    ),
  );
}

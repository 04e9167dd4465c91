import { ApiError } from '@/api/http';
import type { MessageKey, MessageParams } from '@/i18n';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/** What went wrong and what the person can do about it, for any failure of an API call. */
export function describeError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('errors.unknown');
  const { status } = error;
  if (status === 0) return t('errors.network');
  if (status === 401) return t('errors.unauthorized');
  if (status === 403) return t('errors.forbidden');
  if (status === 404) return t('errors.notFound');
  if (status === 503 || status === 502 || status === 504) return t('errors.unavailable');
  if (status >= 500) return t('errors.server', { requestId: error.requestId ?? '-' });
  const details = error.details.map((detail) => `${detail.field}: ${detail.message}`).join('; ');
  return t('errors.invalid', { message: details || error.message });
}

import { sendJson } from './http';
import type { Me } from './types';

export async function getMe(signal?: AbortSignal): Promise<Me> {
  const { data } = await sendJson<Me>('/me', { signal });
  return data;
}

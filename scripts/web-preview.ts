/**
 * The UI part of `npm start`: serves the built web/dist with `vite preview`, which proxies /api,
 * /auth and /health to task-service, so the browser sees the UI and the API on one origin as it
 * does behind the Ingress. `vite preview` also sends the production Content-Security-Policy (see
 * web/vite.config.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { holdLifeline, lifelineFor } from './children.ts';

export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

function viteCli(): string {
  const require = createRequire(join(WEB_DIR, 'package.json'));
  return join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
}

export interface WebPreview {
  /** The address people open. */
  url: string;
  process: ChildProcess;
}

/**
 * Starts `vite preview` on 127.0.0.1:port (--strictPort: a busy port is an error, not a
 * surprise elsewhere) and resolves once it accepts requests.
 */
export async function startWebPreview(options: {
  port: number;
  apiOrigin: string;
}): Promise<WebPreview> {
  const lifeline = lifelineFor({ env: { ...process.env, API_ORIGIN: options.apiOrigin } });
  const child = spawn(
    process.execPath,
    [
      ...lifeline.nodeArgs,
      viteCli(),
      'preview',
      '--port',
      String(options.port),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    { cwd: WEB_DIR, env: lifeline.spawn.env, stdio: [lifeline.spawn.stdin, 'pipe', 'pipe'] },
  );
  holdLifeline(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    process.stderr.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const local = `http://127.0.0.1:${options.port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(local, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    const code = await Promise.race([exited, new Promise((r) => setTimeout(r, 200, 'running'))]);
    if (code !== 'running') throw new Error(`vite preview exited with code ${code}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`vite preview did not answer on ${local} within 30 s:\n${output}`);
    }
  }
  return { url: `http://localhost:${options.port}/`, process: child };
}

/**
 * Skaffold's file sync, reproduced: changed files are packed with tar on the host and unpacked in
 * the running container by `tar` executed as the container's user (Skaffold runs
 * `kubectl exec ... -- tar xmf - -C / --no-same-owner`), so the image must let that user write.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function exitOf(child: ReturnType<typeof spawn>, what: string): Promise<void> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/** Writes `files` (absolute container paths → contents) into the running container. */
export async function syncFiles(
  container: string,
  files: Readonly<Record<string, string>>,
): Promise<void> {
  const staging = mkdtempSync(path.join(tmpdir(), 'smoke-sync-'));
  try {
    const relative = Object.keys(files).map((file) => file.replace(/^\/+/, ''));
    for (const [file, contents] of Object.entries(files)) {
      const target = path.join(staging, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, contents);
    }
    const pack = spawn('tar', ['-C', staging, '-cf', '-', ...relative], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const unpack = spawn(
      'docker',
      ['exec', '-i', container, 'tar', 'xmf', '-', '-C', '/', '--no-same-owner'],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    pack.stdout.pipe(unpack.stdin);
    await Promise.all([exitOf(pack, 'tar -c'), exitOf(unpack, `tar -x in ${container}`)]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * No secret in an image: the sign-in secrets (the client secret, the session keys, the
 * provider's keys) reach the containers only at run time, from the Secret task-manager-oidc, and
 * the development secrets `npm start` keeps in .data/ never enter a build context. Checked on
 * each image's configuration, its build history and its files. The same detector checks the
 * manifests (k8s/test/sign-in.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SECRET_ENV_VARS } from '../../services/task-service/src/auth/auth-config.ts';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { dockerChecked } from './command.ts';
import { findInImage } from './image-contents.ts';
import { repoRoot } from './images.ts';

/**
 * The variables whose values are secrets, whichever program reads them: task-service's own list
 * (its client secret, which the provider reads too, and the session keys) and the provider's
 * cookie keys. The manifests take them from the Secret task-manager-oidc alone.
 */
export const SECRET_VARIABLES: readonly string[] = [...SECRET_ENV_VARS, 'IDP_COOKIE_KEYS'];

/** In an image, also a signing-key file: it would point at a key baked into the image. */
const IMAGE_SECRET_VARIABLES = [...SECRET_VARIABLES, 'IDP_SIGNING_KEYS_FILE'];

/**
 * What a secret in a text looks like: a private key block, a JWK's private part, or a long
 * random-looking token (upper and lower case and digits, as base64 of random bytes always has).
 */
export function secretLooking(text: string): string[] {
  const patterns = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----\s+[A-Za-z0-9+/=\s]{40,}?-----END/g,
    /"d"\s*:\s*"[\w-]{20,}"/g,
    /(?<![\w-])(?=[\w-]*[A-Z])(?=[\w-]*[a-z])(?=[\w-]*\d)[\w-]{32,}(?![\w-])/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[0]));
}

/** File names that hold secrets: env files, keys, npm and cloud credentials, npm start's data. */
const SECRET_FILE_NAMES = [
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  '*.p12',
  'secrets.json',
  'id_rsa*',
  'id_ed25519*',
  '.npmrc',
  'credentials',
  '.data',
];

/** Where an image could keep the project's files or a user's: not the OS's public CA bundle. */
const SEARCHED = ['/app', '/root', '/home', '/tmp', '/usr/share/nginx', '/etc/nginx'];

/** What .dockerignore must keep out of every build context (npm start's secrets among them). */
const IGNORED = ['**/.data', '**/.env', '**/*.pem', '**/*.key', '**/.npmrc.local'];

export async function checkNoSecrets(checks: Checks, image: string): Promise<void> {
  await checks.check(
    `${image}: no secret in its configuration, build history or files`,
    async () => {
      const [config] = JSON.parse(await dockerChecked(['image', 'inspect', image])) as [
        { Config: { Env?: string[] | null } },
      ];
      const env = config.Config.Env ?? [];
      const named = env.filter((entry) => IMAGE_SECRET_VARIABLES.includes(entry.split('=')[0]!));
      expect(named.length === 0, `ENV sets ${named.map((e) => e.split('=')[0]).join(', ')}`);
      const valued = env.flatMap(secretLooking);
      expect(valued.length === 0, `an ENV value looks like a secret (${valued.length})`);

      const history = await dockerChecked([
        'history',
        '--no-trunc',
        '--format',
        '{{.CreatedBy}}',
        image,
      ]);
      const inHistory = secretLooking(history);
      expect(
        inHistory.length === 0,
        `the build history holds ${inHistory.length} secret-like value(s)`,
      );
      const setInHistory = IMAGE_SECRET_VARIABLES.filter((name) => history.includes(`${name}=`));
      expect(setInHistory.length === 0, `the build sets ${setInHistory.join(', ')}`);

      const nameTests = SECRET_FILE_NAMES.flatMap((name, i) => [
        ...(i ? ['-o'] : []),
        '-name',
        name,
      ]);
      const found = await findInImage(image, [
        ...SEARCHED,
        '(',
        ...nameTests,
        ')',
        '-not',
        '-path',
        '*/node_modules/*',
      ]).catch((error: unknown) => {
        // A searched directory that the image does not have is not a finding.
        const stdout = (error as { result?: { stdout?: string } }).result?.stdout;
        if (stdout === undefined) throw error;
        return stdout;
      });
      const files = found.split('\n').filter(Boolean);
      expect(files.length === 0, `secret-like files: ${files.join(', ')}`);
      return `${env.length} ENV entries, ${history.split('\n').length} history steps, no ${SECRET_FILE_NAMES.join(' ')} in ${SEARCHED.join(' ')}`;
    },
  );
}

/** The build context's filter keeps secrets out of every image before a build even starts. */
export async function checkBuildContextFilter(checks: Checks): Promise<void> {
  await checks.check(
    ".dockerignore keeps npm start's data, env files and keys out of builds",
    () => {
      const rules = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
        .split('\n')
        .map((line) => line.trim());
      const missing = IGNORED.filter((rule) => !rules.includes(rule));
      expect(missing.length === 0, `.dockerignore lacks ${missing.join(', ')}`);
      return IGNORED.join(' ');
    },
  );
}

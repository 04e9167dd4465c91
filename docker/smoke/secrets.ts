/**
 * No secret in an image: they come at run time from the Secret task-manager-oidc, and npm start's
 * (.data/) never enter a build context. k8s/test/sign-in.test.ts runs the detector on manifests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@task-manager/testing';
import { SECRET_ENV_VARS } from '../../services/task-service/src/auth/auth-config.ts';
import { findInImage, inspectImage } from './images.ts';
import { dockerChecked, type Check } from './support.ts';

/** Variables whose values are secrets, whoever reads them: only the Secret may set them. */
export const SECRET_VARIABLES: readonly string[] = [...SECRET_ENV_VARS, 'IDP_COOKIE_KEYS'];

/** In an image, also a signing-key file: it would point at a key baked into the image. */
const IMAGE_SECRET_VARIABLES = [...SECRET_VARIABLES, 'IDP_SIGNING_KEYS_FILE'];

/**
 * A name ending in a year and month is a versioned name, such as an AWS TLS policy's
 * (ELBSecurityPolicy-TLS13-1-2-2021-06): a random token ends that way less than once in 10^8.
 */
const VERSIONED_NAME = /-\d{4}-\d{2}$/;

/** A private key block, a JWK's private part, or a long random token (mixed case and digits). */
export function secretLooking(text: string): string[] {
  const patterns = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----\s+[A-Za-z0-9+/=\s]{40,}?-----END/g,
    /"d"\s*:\s*"[\w-]{20,}"/g,
    /(?<![\w-])(?=[\w-]*[A-Z])(?=[\w-]*[a-z])(?=[\w-]*\d)[\w-]{32,}(?![\w-])/g,
  ];
  return patterns
    .flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[0]))
    .filter((found) => !VERSIONED_NAME.test(found));
}

/** File names that hold secrets: env files, keys, npm and cloud credentials, npm start's data. */
const SECRET_FILE_NAMES = [
  ...['.env', '.env.*', '*.pem', '*.key', '*.p12', 'secrets.json', 'id_rsa*', 'id_ed25519*'],
  ...['.npmrc', 'credentials', '.data'],
];

/** Where an image could keep the project's files or a user's: not the OS's public CA bundle. */
const SEARCHED = ['/app', '/root', '/home', '/tmp', '/usr/share/nginx', '/etc/nginx'];

/** What .dockerignore must keep out of every build context (npm start's secrets among them). */
const IGNORED = ['**/.data', '**/.env', '**/*.pem', '**/*.key', '**/.npmrc.local'];

/** Checked on the image's configuration, its build history and its files. */
export async function checkNoSecrets(check: Check, image: string): Promise<void> {
  await check(`${image}: no secret in its configuration, build history or files`, async () => {
    const env = (await inspectImage(image)).Config.Env ?? [];
    const named = env.map((entry) => entry.split('=')[0]!);
    const set = named.filter((name) => IMAGE_SECRET_VARIABLES.includes(name));
    assert.deepEqual(set, [], 'ENV sets');
    const valued = env.flatMap(secretLooking);
    assert.ok(valued.length === 0, `an ENV value looks like a secret (${valued.length})`);

    const format = ['--no-trunc', '--format', '{{.CreatedBy}}'];
    const history = await dockerChecked(['history', ...format, image]);
    const inHistory = secretLooking(history);
    assert.ok(inHistory.length === 0, `the build history holds ${inHistory.length} secret(s)`);
    const built = IMAGE_SECRET_VARIABLES.filter((name) => history.includes(`${name}=`));
    assert.deepEqual(built, [], 'build sets');

    const names = SECRET_FILE_NAMES.flatMap((name, i) => [...(i ? ['-o'] : []), '-name', name]);
    const tests = ['(', ...names, ')', '-not', '-path', '*/node_modules/*'];
    const found = await findInImage(image, [...SEARCHED, ...tests], { mayLack: true });
    assert.equal(found, '', 'secret-like files');
    return `${env.length} ENV entries, ${history.split('\n').length} history steps, no ${SECRET_FILE_NAMES.join(' ')} in ${SEARCHED.join(' ')}`;
  });
}

/** The build context's filter keeps secrets out of every image before a build even starts. */
export async function checkBuildContextFilter(check: Check): Promise<void> {
  await check(".dockerignore keeps npm start's data, env files and keys out of builds", () => {
    const file = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8');
    const rules = file.split('\n').map((line) => line.trim());
    const missing = IGNORED.filter((rule) => !rules.includes(rule));
    assert.deepEqual(missing, [], '.dockerignore lacks');
    return IGNORED.join(' ');
  });
}

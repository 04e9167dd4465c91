/**
 * A stand-in for `kubectl` against a cluster, for k8s/create-dev-secret.sh: `get secret` answers
 * from STANDIN_STATE (a JSON { existing: ["<context>/<namespace>/<name>"] }); `create secret` is
 * rendered by REAL_KUBECTL (--dry-run=client). STANDIN_UNREACHABLE=1: no cluster answers;
 * STANDIN_RACE=1: the create meets AlreadyExists. Each call is a JSON line in STANDIN_CALLS.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const stateFile = process.env.STANDIN_STATE ?? '';
const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { existing: string[] };
/** The Secret kubectl rendered, recorded with the call's arguments however the call ends. */
let secret: unknown;
process.on('exit', () =>
  appendFileSync(process.env.STANDIN_CALLS ?? '/dev/null', `${JSON.stringify({ args, secret })}\n`),
);

const flag = (name: string) =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
const words = args.filter((arg) => !arg.startsWith('--'));
const key = (name: string) => `${flag('context')}/${flag('namespace')}/${name}`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

if (process.env.STANDIN_UNREACHABLE === '1') {
  fail(
    'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
  );
}

if (words[0] === 'get' && words[1] === 'secret' && words.length === 3) {
  if (!args.includes('--ignore-not-found') || flag('output') !== 'name') {
    fail(`kubectl stand-in: unexpected get: ${args.join(' ')}`, 2);
  }
  if (state.existing.includes(key(words[2]!))) process.stdout.write(`secret/${words[2]}\n`);
} else if (words[0] === 'create' && words[1] === 'secret' && words[2] === 'generic') {
  const name = words[3]!;
  if (flag('from-env-file') !== '/dev/stdin')
    fail(`kubectl stand-in: unexpected create: ${args}`, 2);
  // Never `kubectl` from PATH: that is this stand-in.
  const real = process.env.REAL_KUBECTL;
  if (!real) fail('kubectl stand-in: REAL_KUBECTL is not set', 2);
  // The real kubectl reads the script's pipe itself (inherited): a pipe Node made would be a
  // socket, which /dev/stdin cannot open.
  const options = ['--from-env-file=/dev/stdin', '--dry-run=client', '--output=json'];
  const rendered = execFileSync(real, ['create', 'secret', 'generic', name, ...options], {
    stdio: ['inherit', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  secret = JSON.parse(rendered);
  const exists = state.existing.includes(key(name)) || process.env.STANDIN_RACE === '1';
  state.existing.push(key(name));
  writeFileSync(stateFile, JSON.stringify(state));
  if (exists) fail(`Error from server (AlreadyExists): secrets "${name}" already exists`);
  process.stdout.write(`secret/${name} created\n`);
} else {
  fail(`kubectl stand-in: unsupported call: ${args.join(' ')}`, 2);
}

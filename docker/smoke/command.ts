/**
 * Running the docker CLI (and the stand-in tool) as child processes, with their output captured
 * so a failing step can show the end of it.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Kill the command after this long (it then counts as failed). */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Show the command's output live (long builds), besides capturing it. */
  echo?: boolean;
}

export class CommandError extends Error {
  override name = 'CommandError';
  readonly result: CommandResult;

  constructor(command: string, result: CommandResult) {
    const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-15).join('\n');
    super(`\`${command}\` exited with ${result.code}${output ? `:\n${output}` : ''}`);
    this.result = result;
  }
}

export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    const timeoutMs = options.timeoutMs;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stderr += `\n(killed: no exit within ${timeoutMs} ms)`;
            child.kill('SIGKILL');
          }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Runs a command and returns its stdout, or throws CommandError on a non-zero exit. */
export async function runChecked(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) throw new CommandError(`${command} ${args.join(' ')}`, result);
  return result.stdout;
}

export function docker(args: readonly string[], options?: CommandOptions): Promise<CommandResult> {
  return runCommand('docker', args, options);
}

export function dockerChecked(args: readonly string[], options?: CommandOptions): Promise<string> {
  return runChecked('docker', args, options);
}

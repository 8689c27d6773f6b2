import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCommand } from './commands/create.js';
import type { CommandContext } from './commands/context.js';
import { deleteCommand } from './commands/delete.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { emitCommand } from './commands/emit.js';
import { emulatorCommand } from './commands/emulator.js';
import { initCommand } from './commands/init.js';
import { listCommand } from './commands/list.js';
import { migrateCommand } from './commands/migrate.js';
import { showCommand } from './commands/show.js';
import { syncCommand } from './commands/sync.js';
import { usersCommand } from './commands/users.js';
import { verifyTokenCommand } from './commands/verify-token.js';
import { TenantsError } from './core/tenants-error.js';
import { colorAllowed, Output } from './io/output.js';
import { inquirerPrompter } from './io/prompter.js';

/**
 * Builds the `tenants` program. This file is the only place that decides exit codes and exits:
 * commands throw TenantsError (or return), and `main` maps the outcome to a code.
 */
export function buildProgram(context: () => CommandContext, readStdin: () => Promise<string> = readProcessStdin): Command {
  const program = new Command('tenants')
    .description('Onboard SaaS customers into Auth0: one application per tenant, a shared API, a tenant-claim Action, and backend config.')
    .version(VERSION)
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--no-color', 'no colour in output (NO_COLOR is honoured too)')
    .addOption(new Option('--no-input', 'never prompt; a missing value is an error naming its flag'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(initCommand(context));
  program.addCommand(createCommand(context));
  program.addCommand(syncCommand(context));
  program.addCommand(listCommand(context));
  program.addCommand(showCommand(context));
  program.addCommand(emitCommand(context));
  program.addCommand(deleteCommand(context));
  program.addCommand(usersCommand(context));
  program.addCommand(verifyTokenCommand(context, readStdin));
  program.addCommand(doctorCommand(context));
  program.addCommand(migrateCommand(context));
  program.addCommand(demoCommand(context));
  program.addCommand(emulatorCommand(context));
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach((sub) => override(sub as unknown as Command));
  };
  program.commands.forEach((c) => override(c as unknown as Command));
  return program as unknown as Command;
}

const VERSION = '0.1.0';

async function readProcessStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new TenantsError('usage', 'missing_token', 'No token given.', {
      hint: 'Pass the token as an argument, or pipe it: echo "$TOKEN" | tenants verify-token --tenant acme',
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  let graceful = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (signalled || !graceful) {
      process.stderr.write('\nInterrupted; re-run the command to converge.\n');
      process.exit(code);
    }
    signalled = signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let out: Output | undefined;
  const context = (): CommandContext => {
    const opts = program.opts() as { json?: boolean; color?: boolean; input?: boolean };
    const json = Boolean(opts.json);
    const flag = opts.color !== false;
    out ??= new Output({
      json,
      color: { stdout: colorAllowed(flag, env, process.stdout.isTTY), stderr: colorAllowed(flag, env, process.stderr.isTTY) },
    });
    const ci = env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false' && env['CI'] !== '0';
    return {
      out,
      env,
      cwd: process.cwd(),
      interactive: opts.input !== false && !json && !ci && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY),
      prompter: inquirerPrompter(),
      management: async (credentials, pacer) => (await import('./auth0/sdk-management.js')).createSdkManagement(credentials, pacer),
      sleep: (ms) => sleep(ms),
      now: Date.now,
      gracefulStop: () => {
        graceful = true;
        return controller.signal;
      },
    };
  };
  const program = buildProgram(context);
  const json = argv.includes('--json');
  if (json) quietErrors(program); // the error is printed as JSON by report()
  try {
    await program.parseAsync(helpForSubcommands(argv), { from: 'user' });
    if (signalled) return signalled === 'SIGINT' ? 130 : 143;
    return 0;
  } catch (error) {
    return report(error, out ?? new Output({ json, color: false }));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function report(error: unknown, out: Output): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    if (out.json && !out.hasEmitted) {
      const code = error.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      const message = error.message.replace(/^error: /, '');
      out.result({ error: { code, message, hint: 'run with --help for usage' } });
      out.message(`Error [${code}]: ${message}`);
    }
    return 2; // without --json commander has already printed its message to stderr
  }
  if (isPromptCancel(error)) {
    out.message('Cancelled.');
    return 130;
  }
  const failure = error instanceof TenantsError ? error : new TenantsError('auth0', 'unexpected', describeUnexpected(error), { cause: error });
  if (failure.alreadyReported) return failure.exitCode;
  if (out.json && !out.hasEmitted) out.result({ error: failure.toJSON() });
  out.message(`${out.color.red('Error')} [${failure.code}]: ${failure.message}`);
  if (failure.hint) out.message(`${out.color.dim('Hint:')} ${failure.hint}`);
  return failure.exitCode;
}

function quietErrors(command: Command): void {
  command.configureOutput({ writeErr: () => undefined });
  command.commands.forEach((sub) => quietErrors(sub as unknown as Command));
}

/** `tenants help users add` shows that subcommand's help (commander's help command looks one level deep). */
function helpForSubcommands(argv: string[]): string[] {
  const at = argv.indexOf('help');
  if (at === -1 || argv.slice(0, at).some((a) => !a.startsWith('-'))) return argv;
  const rest = argv.slice(at + 1);
  if (rest.filter((a) => !a.startsWith('-')).length < 2) return argv;
  return [...argv.slice(0, at), ...rest, '--help'];
}

function isPromptCancel(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

function describeUnexpected(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

// Run when executed (bin/tenants.js imports this module), not when imported by tests.
const entry = process.argv[1] ?? '';
if (/tenants(\.js)?$|cli\.js$/.test(entry)) {
  main(process.argv.slice(2)).then((code) => {
    // Exit now rather than when the event loop drains: the SDK can leave a request-timeout timer
    // behind a dropped connection, which would hold the process for a minute after the work is done.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}

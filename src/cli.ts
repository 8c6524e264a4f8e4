import { Command, CommanderError } from 'commander';
import { afterHoursCommand } from './commands/after-hours.js';
import { checkCommand } from './commands/check.js';
import { columnsCommand } from './commands/columns.js';
import { generateCommand } from './commands/generate.js';
import { latencyCommand } from './commands/latency.js';
import { reportCommand } from './commands/report.js';
import { roundsCommand } from './commands/rounds.js';
import { sqlCommand } from './commands/sql.js';
import { validateCommand } from './commands/validate.js';
import { volumeCommand } from './commands/volume.js';
import { isOutOfMemory, MsgworkError, runState } from './errors.js';
import { VERSION } from './version.js';


/** Exit code for a bug (not the user's mistake). */
const EXIT_INTERNAL = 70;

function program(): Command {
  const root = new Command('msgwork')
    .description(
      'Clinician workload figures from patient-portal secure-message exports:\n' +
        'volume, after-hours ("pajama") time, response latency and thread rounds.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`msgwork: ${text.replace(/^error: /, '')}`) })
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 usage or configuration error, 2 input that cannot be
analysed, 3 a threshold check failed.

Examples:
  npx msgwork report samples/messages.csv
  npx msgwork latency --by role --format csv samples/messages.csv > latency.csv
  npx msgwork report -o results/ samples/messages.csv   # one CSV per section + manifest.json
  npx msgwork columns latency`,
    );
  for (const command of [reportCommand(), volumeCommand(), afterHoursCommand(), latencyCommand(), roundsCommand(), validateCommand(), checkCommand(), generateCommand(), columnsCommand(), sqlCommand()]) {
    command.exitOverride();
    command.showHelpAfterError('(run with --help for usage)');
    command.configureOutput({ outputError: (text, write) => write(`msgwork ${command.name()}: ${text.replace(/^error: /, '')}`) });
    root.addCommand(command);
  }
  return root;
}

/**
 * The entry: runs a command line and maps typed errors to the exit codes of
 * SPEC 3.1. The only place that decides how the process ends.
 */
export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // A closed pipe (`msgwork check | head -1`) is not an error of ours: the run ends
    // with the exit code it would have had (a failed check still exits 3).
    if (error.code === 'EPIPE') return;
    throw error;
  });
  try {
    await program().parseAsync(argv, { from: 'user' });
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help/version).
    return error.exitCode === 0 ? 0 : 1;
  }
  if (error instanceof MsgworkError) {
    process.stderr.write(`msgwork: ${error.message}\n`);
    return error.exitCode;
  }
  if (isOutOfMemory(error)) {
    const detail = /^out of memory: (.*)$/.exec((error as Error).message)?.[1];
    process.stderr.write(
      `msgwork: ran out of memory reading ${runState.inputs || 'the input'}${detail ? ` (${detail})` : ''}. ` +
        'Report on a shorter span from a smaller export (--since/--until or --period select the window, the export sets the memory), ' +
        'run on a machine with more memory, or compute the figures where the messages live, in the database.\n',
    );
    return 2;
  }
  const e = error as Error;
  process.stderr.write(
    `msgwork: internal error: ${e?.message ?? String(error)}\n` +
      'This is a bug in msgwork, not a problem with your data; please report it' +
      (process.env.MSGWORK_DEBUG ? `\n${e?.stack ?? ''}\n` : ' (set MSGWORK_DEBUG=1 for details).\n'),
  );
  return EXIT_INTERNAL;
}

import { InvalidArgumentError, Option } from '@commander-js/extra-typings';

/** The help of the options every writing command shares for pipelines (definitions stay light: no run code here). */
export const WAIT_LOCK_HELP = 'when another run holds the lease, wait for it at most this long, in seconds (0: refuse at once, exit 5)';
export const WAIT_LOCK_DEFAULT = 300;

/** `--wait-lock <seconds>`: checked when parsed (exit 2 before anything is read or sent), 0 to 86400. */
export const waitLockOption = () =>
  new Option('--wait-lock <seconds>', WAIT_LOCK_HELP)
    .argParser((value: string) => {
      const seconds = Number(value);
      if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) {
        throw new InvalidArgumentError('give a number of seconds from 0 to 86400, e.g. --wait-lock 600');
      }
      return seconds;
    })
    .default(WAIT_LOCK_DEFAULT);
export const EXIT_CODE_HELP = 'with --dry-run: exit 10 when changes are pending, 0 when nothing would change';

/** `--format text|markdown` (`--json` wins over both). */
export const formatOption = () =>
  new Option('--format <format>', 'print the plan or result as text, or as markdown for a pull-request comment')
    .choices(['text', 'markdown'] as const)
    .default('text' as const);

import { TenantsError, usageError } from '../core/tenants-error.js';
import type { CommandContext } from './context.js';

/**
 * The one confirmation of a destructive step (`delete`, `sync --prune`): `--yes` confirms; otherwise it asks on a
 * terminal (`question`, default no; no is a cancel, exit 130) and is refused off one (`confirmation_required`,
 * exit 2, `what` says what needed it). A command can apply the rule before it sends anything, and ask later with
 * what it found: the refusal does not depend on the question.
 */
export async function confirm(ctx: CommandContext, yes: boolean, what: string, question: string, hint = 'Add --yes to confirm.'): Promise<void> {
  if (yes) return;
  if (!ctx.interactive) throw usageError('confirmation_required', what, hint);
  const ok = await ctx.prompter.confirm({ message: question, default: false });
  if (!ok) throw new TenantsError('cancelled', 'cancelled', 'Nothing was changed.');
}

import type { Membership } from '../core/tenant-users.js';

/** How `users add|remove|invite` name what happened to a person: `added`, `already a member`, ... */
export const MEMBERSHIP_VERB: Record<Membership['action'] | 'invited', string> = {
  add: 'added',
  move: 'moved',
  unchanged: 'already a member',
  remove: 'removed',
  not_member: 'not a member',
  refused: 'refused',
  not_found: 'not found',
  invited: 'invited',
};

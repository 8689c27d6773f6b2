/** A step of a plan: what will happen (or happened) to one resource. Plans are data, rendered elsewhere. */
export type StepAction = 'create' | 'update' | 'unchanged' | 'delete' | 'absent';

export interface Step {
  resource: 'api' | 'action' | 'binding' | 'application' | 'organization' | 'client-grant' | 'files' | 'users' | 'members' | 'config';
  action: StepAction;
  tenant?: string;
  /** Names of the fields that drifted, for updates. */
  changes?: string[];
  id?: string;
  detail?: string;
}

export const isWrite = (step: Step): boolean => step.action === 'create' || step.action === 'update' || step.action === 'delete';

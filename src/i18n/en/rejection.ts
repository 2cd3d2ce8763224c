import type { CatalogueOf } from '../catalogue';
import type { rejection as vi } from '../vi/rejection';

export const rejection: CatalogueOf<typeof vi> = {
  cancelled: 'Task {{task}} was cancelled from its plan; it can no longer be updated.',
  backdatedCompletionAdminOnly:
    'Only an administrator may record a completion date in the past ({{field}}); leave the field out to record the present time.',
  backdatedConfirmationAdminOnly:
    'Only an administrator may record a confirmation date in the past ({{field}}); leave the field out to record the present time.',
  invalidInstant: '{{field}} "{{value}}" is not a valid instant; write it in ISO 8601, for example {{example}}.',
  instantInFuture: '{{field}} may not be in the future.',
  reportOnMembers: 'Task {{task}} is carried out per unit or per period ({{count}} copies); update the copy of each unit, for example {{example}}.',
  reportedDone: 'Task {{task}} has already been reported done.',
  reportedDoneOn: 'Task {{task}} was reported done on {{date}}.',
  awaitingConfirmation: 'Task {{task}} has been reported done and is awaiting confirmation.',
  awaitingConfirmationOn: 'Task {{task}} was reported done on {{date}} and is awaiting confirmation.',
  paused: 'Task {{task}} is paused; resume it first.',
  pausedBecause: 'Task {{task}} is paused ({{reason}}); resume it first.',
  completeForbidden: 'Only staff of the lead agency "{{lead}}" (or an administrator) may report task {{task}} done; agency "{{agency}}" may not.',
  completeForbiddenWithoutAgency:
    'Only staff of the lead agency "{{lead}}" (or an administrator) may report task {{task}} done; a user without an agency may not.',
  completedBeforeIssue: 'The completion date {{date}} is before the plan was issued ({{issuedOn}}); check completedAt.',
  waitingForPrerequisites: 'Task {{task}} is waiting for {{prerequisites}} to be done first; it cannot be reported done yet.',
  notCompletable: 'Task {{task}} is not in a state that can be reported done.',
  confirmedBeforeCompletion: 'confirmedAt may not be before the completion was reported ({{date}}).',
  confirmForbidden: 'Only the monitoring office (leaders) or an administrator may confirm or return a task’s result.',
  returnReasonRequired: 'Give the reason for returning it, so that the lead agency knows what to redo.',
  alreadyConfirmed: 'Task {{task}} has already been confirmed done.',
  nothingToConfirm: 'Task {{task}} has not been reported done, so there is nothing to confirm or return.',
  progressForbidden:
    'Only staff of the lead agency "{{lead}}", a supporting agency, leaders or an administrator may report progress on task {{task}}.',
  progressValueInvalid: 'The progress value must be a non-negative number, for example 75.',
  extensionForbidden: 'Only staff of the lead agency "{{lead}}" (or an administrator) may request an extension of task {{task}}.',
  extensionReasonRequired: 'Give the reason for the extension request.',
  extensionDeadlineInvalid:
    'The new deadline "{{value}}" is not valid; write a date as YYYY-MM-DD (for example 2023-02-28) or an ISO instant with its offset.',
  extensionWithoutDeadline: 'Task {{task}} has no deadline, so it needs no extension.',
  extensionNotLater: 'The new deadline must be after the current one ({{date}}).',
  extensionPending: 'Extension request {{id}} is awaiting a decision; wait for it before sending a new one.',
  decideForbidden: 'Only leaders or an administrator may decide on extensions.',
  extensionNotFound: 'There is no extension request "{{id}}" for task {{task}}.',
  extensionApprovedAlready: 'Extension request {{id}} has already been decided (approved).',
  extensionRejectedAlready: 'Extension request {{id}} has already been decided (rejected).',
  pauseForbidden: 'Only leaders or an administrator may pause a task.',
  pauseReasonRequired: 'Give the reason for pausing.',
  alreadyPaused: 'Task {{task}} is already paused.',
  resumeForbidden: 'Only leaders or an administrator may resume a task.',
  notPaused: 'Task {{task}} is not paused.',
  systemOnly: 'Only re-applying the plan (or an administrator) may amend or cancel a task; edit the plan file and run kehoach apply.',
};

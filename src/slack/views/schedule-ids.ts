/** Action and callback ids of scheduled changes (issue 17 item 3). */
export const SCHEDULE = {
  /** The offboarding form (private_metadata: `<user id> <job id it replaces, if any>`). */
  offboardForm: 'roster_offboard',
  /** The form that changes a new user's start date (private_metadata: the job id it replaces). */
  startForm: 'roster_start_date',
  /** "Offboard…" under a user's details (value: the user id): the form. */
  openOffboard: 'roster_open_offboard',
  /** Change / Cancel beside a scheduled change in `/users scheduled` (value: the job id). */
  change: 'roster_scheduled_change',
  cancel: 'roster_scheduled_cancel',
} as const;

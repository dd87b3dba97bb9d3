/** Action and callback ids of two-person approval (issue 17 item 1); each button's value is the request id. */
export const APPROVAL = {
  approve: 'roster_approval_approve',
  /** Opens the Deny form (an optional reason). */
  deny: 'roster_approval_deny',
  cancel: 'roster_approval_cancel',
  /** The Deny form (private_metadata: the request id). */
  denyForm: 'roster_approval_deny_form',
  /** The `/users policy` form. */
  policyForm: 'roster_approval_policy',
} as const;

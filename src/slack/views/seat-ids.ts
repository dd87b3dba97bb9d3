/** Action and callback ids of the seat alerts and reclaim surfaces (issue 17). */
export const SEATS = {
  /** "Seat alerts" under `/licenses`: the alerts message (replaces nothing; a new message). */
  showAlerts: 'roster_show_seat_alerts',
  /** "Reclaim licenses" under `/licenses`: the reclaim report. */
  showReclaim: 'roster_show_reclaim',
  /** "Set alert" beside a product in the alerts message (value: the sku id): the small form. */
  openProductAlert: 'roster_open_product_alert',
  /** That form (private_metadata: `<part number> <response_url>`). */
  productAlert: 'roster_product_alert',
  /** Keep / Reclaim beside a user in the report (value: the user id). */
  keepUser: 'roster_reclaim_keep',
  reclaimUser: 'roster_reclaim_user',
  /** "Reclaim all" under the report (value: `<count> <fingerprint>`, after Slack's confirmation). */
  reclaimAll: 'roster_reclaim_all',
} as const;

/** How often connected organizations are synced unless ROSTER_SYNC_MINUTES says otherwise. */
export const DEFAULT_SYNC_MINUTES = 5;

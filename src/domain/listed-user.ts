/** A user as every list shows them (`/users list`, `find`, a view's page, the App Home): one row each. */
export interface ListedUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  licenseError: string | null;
  /** The products they hold, by SKU id. */
  skuIds: string[];
  /** A blocked user with a scheduled start: when it runs (lists say "Starts …"); set by `withStarts`. */
  startsAt?: Date | null;
}

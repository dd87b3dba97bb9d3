import { VALUE } from '../views/ids.js';

/** The shape Slack sends in `view.state.values[block_id][action_id]`, reduced to what Roster reads. */
export interface StateValue {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_date?: string | null;
}

export type ViewStateValues = Record<string, Record<string, StateValue>>;

/** Reads the input blocks of a submitted view by block id (= field name). */
export class ViewState {
  constructor(private readonly values: ViewStateValues) {}

  private get(field: string): StateValue | undefined {
    return this.values[field]?.[VALUE];
  }

  has(field: string): boolean {
    return this.get(field) !== undefined;
  }

  text(field: string): string | undefined {
    const value = this.get(field)?.value;
    return value === null || value === undefined ? undefined : value;
  }

  selected(field: string): string | undefined {
    return this.get(field)?.selected_option?.value ?? undefined;
  }

  selectedMany(field: string): string[] {
    return (this.get(field)?.selected_options ?? []).map((o) => o.value);
  }

  /** A datepicker's day (YYYY-MM-DD). */
  date(field: string): string | undefined {
    return this.get(field)?.selected_date ?? undefined;
  }

  user(field: string): string | undefined {
    return this.get(field)?.selected_user ?? undefined;
  }

  users(field: string): string[] {
    return this.get(field)?.selected_users ?? [];
  }

  /** Field names present in the view whose name starts with `prefix`. */
  fieldsStartingWith(prefix: string): string[] {
    return Object.keys(this.values).filter((field) => field.startsWith(prefix));
  }
}

/** Maps core field errors onto the view's blocks; a problem with no block of its own goes on `fallback`. */
export function viewErrors(fields: { field: string; message: string }[], state: ViewState, fallback: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { field, message } of fields) {
    const block = state.has(field) ? field : fallback;
    errors[block] = errors[block] ? `${errors[block]} ${message}` : message;
  }
  for (const block of Object.keys(errors)) errors[block] = errors[block]!.slice(0, 2000);
  return errors;
}

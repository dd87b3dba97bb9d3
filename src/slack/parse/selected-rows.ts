/** A message's state as block actions carry it: `values[block_id][action_id]`. */
type MessageState = { state?: { values?: Record<string, Record<string, { selected_options?: { value: string }[] }>> } };

/**
 * The rows ticked in a list message: the values of the `select` checkboxes of every block whose id
 * starts with `prefix` (a list has one such block per 10 rows), once each.
 */
export function selectedRows(body: unknown, prefix: string): string[] {
  const values = (body as MessageState).state?.values ?? {};
  const picked = Object.entries(values)
    .filter(([blockId]) => blockId.startsWith(prefix))
    .flatMap(([, actions]) => actions.select?.selected_options?.map((o) => o.value) ?? []);
  return [...new Set(picked)];
}

/** Groups an async stream into arrays of at most `size` items (a number, or asked again for each array). */
export async function* batched<T>(source: AsyncIterable<T>, size: number | (() => number)): AsyncGenerator<T[]> {
  const next = typeof size === 'number' ? () => size : size;
  let batch: T[] = [];
  let limit = next();
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= limit) {
      yield batch;
      batch = [];
      limit = next();
    }
  }
  if (batch.length > 0) yield batch;
}

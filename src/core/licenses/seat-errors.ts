import { productBySkuId } from '../catalogue/catalogue.js';
import { fail, type CoreError } from '../result.js';
import type { SeatsExhausted } from '../../store/errors.js';

/** What a person is told when a product's seats ran out (Microsoft's CountViolation, in plain words). */
export function noSeatsError(shortage: SeatsExhausted, field = 'licenses'): CoreError {
  const product = productBySkuId(shortage.skuId);
  const name = product?.displayName ?? shortage.skuId;
  const assigned = shortage.pool?.assigned ?? 0;
  const total = shortage.pool?.total ?? 0;
  const available = total - assigned;
  return fail(
    'no_seats',
    available <= 0
      ? `No ${name} licenses are left (${assigned} of ${total} assigned). Buy more with \`/licenses buy ${product?.partNumber ?? shortage.skuId} <quantity>\`, or add the user without this license.`
      : `Only ${available} ${name} license${available === 1 ? ' is' : 's are'} left and ${shortage.wanted} are needed. Buy more with \`/licenses buy\`.`,
    [{ field, message: `No ${name} license left. Buy more or pick no license.` }],
  );
}

import type { View } from '@slack/types';
import { CALLBACK } from './ids.js';
import { plain, textInput } from './kit.js';

/**
 * The Buy licenses form. Opened from an import preview whose seats are short, it comes filled in
 * with the product and the number missing, and `forImport` (the import's job id, in the metadata)
 * says which preview to bring up to date after the purchase.
 */
export function buyLicensesModal(prefill: { product?: string; quantity?: number; forImport?: string } = {}): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.buyLicenses,
    ...(prefill.forImport ? { private_metadata: JSON.stringify({ importJobId: prefill.forImport }) } : {}),
    title: plain('Buy licenses', 24),
    submit: plain('Buy', 24),
    close: plain('Cancel', 24),
    blocks: [
      textInput('product', 'Product', {
        optional: false,
        placeholder: 'business basic',
        hint: 'A part number such as O365_BUSINESS_ESSENTIALS, or words from the name.',
        maxLength: 200,
        ...(prefill.product ? { initial: prefill.product } : {}),
      }),
      textInput('quantity', 'Quantity', {
        optional: false,
        placeholder: '10',
        maxLength: 6,
        ...(prefill.quantity ? { initial: String(prefill.quantity) } : {}),
        ...(prefill.forImport ? { hint: 'The number the import is short of; change it to buy more or fewer.' } : {}),
      }),
    ],
  };
}

/** The import whose preview a purchase should bring up to date, from the form's metadata. */
export function importOfPurchase(privateMetadata: string | undefined): string | null {
  if (!privateMetadata) return null;
  try {
    const parsed: unknown = JSON.parse(privateMetadata);
    return typeof parsed === 'object' && parsed !== null && 'importJobId' in parsed && typeof parsed.importJobId === 'string' ? parsed.importJobId : null;
  } catch {
    return null;
  }
}

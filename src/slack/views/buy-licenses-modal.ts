import type { View } from '@slack/types';
import { CALLBACK } from './ids.js';
import { plain, textInput } from './kit.js';

export function buyLicensesModal(): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.buyLicenses,
    title: plain('Buy licenses', 24),
    submit: plain('Buy', 24),
    close: plain('Cancel', 24),
    blocks: [
      textInput('product', 'Product', {
        optional: false,
        placeholder: 'business basic',
        hint: 'A part number such as O365_BUSINESS_ESSENTIALS, or words from the name.',
        maxLength: 200,
      }),
      textInput('quantity', 'Quantity', { optional: false, placeholder: '10', maxLength: 6 }),
    ],
  };
}

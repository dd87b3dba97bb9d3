import type { View } from '@slack/types';
import { CALLBACK } from './ids.js';
import { plain, textInput } from './kit.js';

/** Global admins set below how many seats left the App Home warns about a product. */
export function seatWarningModal(current: number): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.seatWarning,
    title: plain('Seat warning', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      textInput('threshold', 'Warn when fewer seats than this are left', {
        optional: false,
        initial: String(current),
        maxLength: 6,
        hint: '0 turns the warning off. Also: /licenses warn <number>.',
      }),
    ],
  };
}

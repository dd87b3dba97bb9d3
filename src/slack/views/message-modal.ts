import type { View } from '@slack/types';
import { plain, section } from './kit.js';

/** A modal that only says something (used where a shortcut or button has no channel to answer in). */
export function messageModal(title: string, text: string): View {
  return { type: 'modal', title: plain(title, 24), close: plain('Close', 24), blocks: [section(text)] };
}

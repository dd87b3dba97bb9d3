import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { checkSlackPayload } from './slack-payloads.js';

/**
 * The edge: every request body is checked (slack-payloads.ts) before Bolt sees it. One that does not
 * fit is acked at once (Slack then shows nothing and does not retry), not processed, and logged in
 * one line naming its kind and the first field at fault, never its contents.
 */
export function guardReceiver<R extends Receiver>(receiver: R, logger: Logger): R {
  const init = receiver.init.bind(receiver);
  receiver.init = (app: App) =>
    init({
      processEvent: async (event: ReceiverEvent) => {
        const checked = checkSlackPayload(event.body);
        if (checked.ok) {
          await app.processEvent(event);
          // Every listener has finished, the work after its ack included (or Bolt ignored the event,
          // e.g. Roster's own message): the line tests wait for instead of a quiet period.
          const id = (event.body as { event_id?: unknown }).event_id;
          if (typeof id === 'string') logger.debug('request handled', { eventId: id });
          return;
        }
        logger.warn('malformed Slack payload ignored', { kind: checked.kind, problem: checked.problem });
        await event.ack();
      },
    } as unknown as App);
  return receiver;
}

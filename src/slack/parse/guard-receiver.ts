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
          // e.g. Roster's own message): the line tests wait for instead of a quiet period. An event
          // is named by its id; a command or an interaction by its trigger id.
          const { event_id: eventId, trigger_id: triggerId } = event.body as { event_id?: unknown; trigger_id?: unknown };
          if (typeof eventId === 'string') logger.debug('request handled', { eventId });
          else if (typeof triggerId === 'string') logger.debug('request handled', { triggerId });
          return;
        }
        logger.warn('malformed Slack payload ignored', { kind: checked.kind, problem: checked.problem });
        await event.ack();
      },
    } as unknown as App);
  return receiver;
}

/**
 * The baseline: a bare Bolt app (HTTPReceiver, same Bolt version and settings as Roster) that acks
 * a slash command and then opens a small modal. Run as its own process by bench/bare-bolt.ts with
 * SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL and PORT.
 */
import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`bare Bolt app: ${name} is missing`);
  return value;
};

const receiver = new HTTPReceiver({
  signingSecret: need('SLACK_SIGNING_SECRET'),
  endpoints: '/slack/events',
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      },
    },
  ],
});
const app = new App({
  token: need('SLACK_BOT_TOKEN'),
  receiver,
  clientOptions: { slackApiUrl: need('SLACK_API_URL') },
  logLevel: LogLevel.ERROR,
});

app.command(/.*/, async ({ ack, command, client }) => {
  await ack();
  await client.views.open({
    trigger_id: command.trigger_id,
    view: {
      type: 'modal',
      callback_id: 'bare_modal',
      title: { type: 'plain_text', text: 'Bare Bolt' },
      close: { type: 'plain_text', text: 'Close' },
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hello from a bare Bolt app.' } }],
    },
  });
});

const server = (await app.start(Number(process.env.PORT ?? 3000))) as Server;
const address = server.address();
process.stdout.write(
  `${JSON.stringify({ message: 'bare Bolt is ready', port: typeof address === 'object' && address ? address.port : undefined, startupMs: Math.round(performance.now()) })}\n`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.stop().finally(() => process.exit(0));
  });
}

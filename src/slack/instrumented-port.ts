import type { Metrics } from '../runtime/metrics.js';
import { slackErrorCode } from './services/slack-errors.js';
import type { SlackPort } from './slack-port.js';

/** The port with each call counted by method and outcome (ok, or Slack's error code) for `/metrics`. */
export function instrumentedPort(port: SlackPort, metrics: Pick<Metrics, 'slackCall'>): SlackPort {
  const counted = {} as Record<string, unknown>;
  for (const [method, call] of Object.entries(port) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    counted[method] = async (...args: unknown[]) => {
      try {
        const result = await call(...args);
        metrics.slackCall(method, 'ok');
        return result;
      } catch (error) {
        metrics.slackCall(method, slackErrorCode(error) ?? 'error');
        throw error;
      }
    };
  }
  return counted as unknown as SlackPort;
}

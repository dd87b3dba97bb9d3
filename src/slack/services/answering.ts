import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackShortcut,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { Option, View } from '@slack/types';
import type { ListenerDeps, SlackAppDeps } from '../deps.js';
import { actorFromBody } from '../parse/actor.js';
import type { Blocks } from '../slack-port.js';
import { esc } from '../views/kit.js';
import { messageModal } from '../views/message-modal.js';
import { answerIn, type Ack, type Plan, type Surface } from './answer.js';

/**
 * Registers listeners so that each is answered through `answer` (services/answer.ts): a listener
 * gets Bolt's arguments without `ack` and returns its plan. Only this file calls
 * `app.command/view/action/options/shortcut`, and only answer.ts calls `ack` (besides the edge,
 * parse/guard-receiver.ts, which acks a malformed payload before Bolt sees it): see
 * test/architecture.test.ts. Events are not registered here: Bolt acks them itself.
 */

type WithoutAck<T> = Omit<T, 'ack'>;
export type CommandArgs = WithoutAck<SlackCommandMiddlewareArgs & AllMiddlewareArgs>;
export type ViewArgs = WithoutAck<SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs>;
export type ActionArgs<A extends SlackAction = BlockAction> = WithoutAck<SlackActionMiddlewareArgs<A> & AllMiddlewareArgs>;
export type OptionsArgs = WithoutAck<SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs>;
export type ShortcutArgs<S extends SlackShortcut = SlackShortcut> = WithoutAck<SlackShortcutMiddlewareArgs<S> & AllMiddlewareArgs>;

/** A message only the person who ran the command sees. */
export type CommandReply = { response_type: 'ephemeral'; text: string; blocks?: Blocks };
/** What a submitted modal does: field problems, another view in its place, or every modal closed. A bare ack closes it. */
export type ViewReply =
  | { response_action: 'errors'; errors: Record<string, string> }
  | { response_action: 'update'; view: View }
  | { response_action: 'clear' };
export type OptionsReply = { options: Option[] } | { option_groups: { label: { type: 'plain_text'; text: string }; options: Option[] }[] };

/** The ack of a command that shows `message` to the person who ran it. */
export const ephemeral = (message: { text: string; blocks?: Blocks }): CommandReply => ({ response_type: 'ephemeral', ...message });
/** The ack of a submission that puts `view` in the modal's place. */
export const showView = (view: View): ViewReply => ({ response_action: 'update', view });
/** The ack of a submission that shows problems on their fields (block id → message). */
export const fieldErrors = (errors: Record<string, string>): ViewReply => ({ response_action: 'errors', errors });

/** Tells the person who ran a command something more, after its ack (through its response_url). */
export type FollowUp = (message: { text: string; blocks?: Blocks }) => Promise<void>;
export const followUp =
  ({ respond }: Pick<CommandArgs, 'respond'>): FollowUp =>
  async (message) => {
    await respond({ response_type: 'ephemeral', ...message });
  };

type Planner<Args, Reply> = (args: Args) => Plan<Reply> | Promise<Plan<Reply>>;
/**
 * A listener as registered: given the deps of the request's workspace (its Slack port among them),
 * it returns the planner of that request. The registrar picks the workspace (the team of the
 * request's body, as the actor's), so a listener cannot talk to another one.
 */
type InWorkspace<Args, Reply> = (deps: ListenerDeps) => Planner<Args, Reply>;

/** What a modal says while a slow plan works, and what it says when the late reply cannot be shown as it would have been. */
export interface ModalLook {
  title: string;
  /** "Restoring the user… the result follows here and by DM." */
  working: string;
  /** A late refusal, in place of the field errors the form can no longer show; gets the problems (escaped). */
  refused?: (problems: string) => string;
  /**
   * A late "close" (a modal cannot be closed from outside): what it says instead, before the work
   * runs. Without it the modal keeps its "working…" text, which should say what follows.
   */
  done?: string;
}

/** A view submission's listener: how its modal looks while working, and its plan. */
export interface ViewListener {
  look: ModalLook;
  plan: Planner<ViewArgs, ViewReply>;
}

export interface Answering {
  command(name: string, plan: InWorkspace<CommandArgs, CommandReply>): void;
  view(callbackId: string, listener: (deps: ListenerDeps) => ViewListener): void;
  /** Block actions: their ack has no body, so a plan only says what follows. */
  action<A extends SlackAction = BlockAction>(
    constraint: string | RegExp | { type: 'block_actions'; block_id?: string; action_id?: string },
    plan: InWorkspace<ActionArgs<A>, never>,
  ): void;
  options(constraint: { type: 'block_suggestion'; block_id: string; action_id: string }, plan: InWorkspace<OptionsArgs, OptionsReply>): void;
  shortcut<S extends SlackShortcut = SlackShortcut>(callbackId: string, plan: InWorkspace<ShortcutArgs<S>, never>): void;
}

const WORKING_MESSAGE: CommandReply = { response_type: 'ephemeral', text: 'Working on it… the answer follows here in a moment.' };

/** One registration: what Bolt would have matched, and the listener that acks (for the tests to call each). */
export interface Registration {
  kind: 'command' | 'view' | 'action' | 'options' | 'shortcut';
  constraint: unknown;
  listener: (args: never) => Promise<void>;
}

type ActionConstraint = string | RegExp | { type: 'block_actions'; block_id?: string; action_id?: string };

/** Whether a block action is the one `constraint` names (as Bolt matches: action_id by string or RegExp, or type/block_id/action_id). */
function actionMatches(constraint: ActionConstraint, action: { action_id?: string; block_id?: string } | undefined): boolean {
  const id = action?.action_id ?? '';
  if (typeof constraint === 'string') return id === constraint;
  if (constraint instanceof RegExp) return constraint.test(id);
  return (constraint.action_id === undefined || constraint.action_id === id) && (constraint.block_id === undefined || constraint.block_id === action?.block_id);
}

/**
 * The registrar: `answering(app, deps).view(CALLBACK.x, listener)` in place of `app.view(…)`.
 * Commands, options and shortcuts are Bolt listeners of their own; actions and view submissions
 * (most of Roster's ~70 listeners) go through one Bolt listener each that finds the registration
 * in a table, since Bolt runs every request through the matchers of every listener it has (that
 * was a tenth of the CPU of `/users add`). Each request still reaches exactly one listener.
 */
export function answering(app: App, deps: SlackAppDeps): Answering & { registrations: readonly Registration[] } {
  // Bolt's overloads type each listener from its constraint; here every listener has the one shape.
  const on = app as unknown as Record<Registration['kind'], (constraint: unknown, listener: (args: never) => Promise<void>) => void>;
  const registrations: Registration[] = [];
  const views = new Map<string, Registration['listener']>();
  const actions: Registration[] = [];
  const record = (kind: Registration['kind'], constraint: unknown, listener: Registration['listener']) => {
    registrations.push({ kind, constraint, listener });
  };
  const route = {
    view: () => {
      on.view(/.*/, async (args: { view?: { callback_id?: string } }) => {
        const listener = views.get(args.view?.callback_id ?? '');
        if (listener) await listener(args as never);
      });
    },
    action: () => {
      on.action(/.*/, async (args: { body?: { actions?: { action_id?: string; block_id?: string }[] } }) => {
        const found = actions.find((r) => actionMatches(r.constraint as ActionConstraint, args.body?.actions?.[0]));
        if (found) await found.listener(args as never);
      });
    },
  };
  return {
    registrations,
    command(name, plan) {
      const listener = async ({ ack, ...args }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) =>
        answerIn(deps, args.command.team_id, ack as Ack<CommandReply>, (team) => ({
          surface: { ...commandSurface(team, args), kind: 'command' },
          plan: () => plan(team)(args),
        }));
      record('command', name, listener as never);
      on.command(name, listener as never);
    },
    view(callbackId, viewListener) {
      const listener = async ({ ack, ...args }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) =>
        answerIn(deps, teamOf(args.body), ack as Ack<ViewReply>, (team) => {
          const { look, plan } = viewListener(team);
          return { surface: { ...viewSurface(team, args, look), kind: 'view' }, plan: () => plan(args) };
        });
      if (views.has(callbackId)) throw new Error(`${callbackId} is registered twice`);
      record('view', callbackId, listener as never);
      if (views.size === 0) route.view();
      views.set(callbackId, listener as never);
    },
    action(constraint, plan) {
      const listener = async ({ ack, ...args }: SlackActionMiddlewareArgs & AllMiddlewareArgs) =>
        answerIn(deps, teamOf(args.body), ack as Ack<never>, (team) => ({
          surface: { ...silentSurface(args.body.user.id, 'do that'), kind: 'action' },
          plan: () => plan(team)(args as never),
        }));
      record('action', constraint, listener as never);
      if (actions.length === 0) route.action();
      actions.push({ kind: 'action', constraint, listener: listener as never });
    },
    options(constraint, plan) {
      const listener = async ({ ack, ...args }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs) =>
        answerIn(deps, teamOf(args.body), ack as Ack<OptionsReply>, (team) => ({
          surface: { ...silentSurface<OptionsReply>(args.body.user.id, 'list the choices'), working: { options: [] }, kind: 'options' },
          plan: () => plan(team)(args),
        }));
      record('options', constraint, listener as never);
      on.options(constraint, listener as never);
    },
    shortcut(callbackId, plan) {
      const listener = async ({ ack, ...args }: SlackShortcutMiddlewareArgs & AllMiddlewareArgs) =>
        answerIn(deps, teamOf(args.body), ack as Ack<never>, (team) => ({
          surface: { ...silentSurface(args.body.user.id, 'run that shortcut'), kind: 'shortcut' },
          plan: () => plan(team)(args as never),
        }));
      record('shortcut', callbackId, listener as never);
      on.shortcut(callbackId, listener as never);
    },
  };
}

/** The workspace of an interaction: its actor's team (parse/actor.ts), which the core acts in too. */
const teamOf = (body: { team?: { id: string } | null; user: { id: string; team_id?: string } }) => actorFromBody(body).teamId;

/** A command: "Working on it…" first when slow; the answer then comes through its response_url (else a DM). */
function commandSurface(deps: ListenerDeps, { command, respond }: CommandArgs): Surface<CommandReply> {
  return {
    userId: command.user_id,
    what: `answer ${command.command}`,
    working: WORKING_MESSAGE,
    async deliver(reply) {
      if (!reply) return;
      const message = { text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) };
      if (command.response_url) await respond({ response_type: 'ephemeral', ...message });
      else await deps.slack.dm(command.user_id, message);
    },
  };
}

/** A modal: "working…" in its place when slow; the reply then updates it by view id. */
function viewSurface(deps: ListenerDeps, { body, view }: ViewArgs, look: ModalLook): Surface<ViewReply> {
  const show = (text: string) => deps.slack.updateView(view.id, messageModal(look.title, text));
  return {
    userId: body.user.id,
    what: `submit the ${look.title} form`,
    working: { response_action: 'update', view: messageModal(look.title, look.working) },
    async deliver(reply) {
      if (reply?.response_action === 'update') return deps.slack.updateView(view.id, reply.view);
      if (reply?.response_action === 'errors') {
        const problems = esc(Object.values(reply.errors).join(' '));
        return show(look.refused ? look.refused(problems) : `Nothing was changed: ${problems} Open the form again to fix this.`);
      }
      if (look.done) await show(look.done);
    },
  };
}

/** Actions, shortcuts, options: nothing to say later (a bare ack, or a list of choices nobody waits for any more). */
function silentSurface<Reply>(userId: string, what: string): Surface<Reply> {
  return { userId, what, deliver: async () => undefined };
}

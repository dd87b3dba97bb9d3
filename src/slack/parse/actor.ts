import type { MemberActor } from '../../core/context.js';

/** The acting member of an interaction payload (view submission, block action, shortcut). */
export function actorFromBody(body: { team?: { id: string } | null; user: { id: string; team_id?: string } }): MemberActor {
  return { teamId: body.team?.id ?? body.user.team_id ?? '', slackUserId: body.user.id };
}

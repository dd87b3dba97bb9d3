import type { TEXT_CONDITIONS } from '../../../core/views/view-conditions.js';
import { profileValuesFor } from '../../../core/views/profile-values.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import type { Plan } from '../../services/answer.js';
import type { OptionsArgs, OptionsReply } from '../../services/answering.js';
import { option } from '../../views/kit.js';

/** The custom view form's department, city, state, country and job title pickers: the values the users have, as typed. */
export const profileValueOptions =
  (deps: ListenerDeps, field: (typeof TEXT_CONDITIONS)[number]) =>
  async ({ body, payload }: OptionsArgs): Promise<Plan<OptionsReply>> => {
    const found = await profileValuesFor(deps.core, actorFromBody(body), field, payload.value ?? '');
    // A value longer than an option's 75 characters of text keeps its whole self as the value (150).
    return { reply: { options: found.ok ? found.values.filter((v) => v.length <= 150).map((v) => option(v, v)) : [] } };
  };

/**
 * The one rule for text a person gives for a profile (display name, names, job title, address…),
 * on every path: Add user, Edit user, Edit many, an import, a guest's invitation, setup's first
 * admin and the command line (docs/domain.md "User properties").
 *
 * - No control character (Unicode category Cc: NUL, BEL, ESC, DEL, tab, line breaks, the C1 range
 *   such as NEL and CSI): they corrupt what reads the directory (terminals, CSV, Slack) and show
 *   nothing. A multi-line field (the address) may hold line feeds.
 * - At least one visible character: a value of only white space and default-ignorable characters
 *   (zero-width space, joiners, word joiner, BOM, soft hyphen, bidi controls) looks empty
 *   everywhere it is shown. Such characters next to visible ones are kept: an emoji sequence needs
 *   its joiners, and Persian names their non-joiners.
 *
 * Messages name the field, never quote the value (it may come from a file that holds passwords).
 */

const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_FEED = /(?!\n)\p{Cc}/u;
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}]/gu;

export function hasControlCharacter(text: string, options: { multiline?: boolean } = {}): boolean {
  return (options.multiline ? CONTROL_BUT_LINE_FEED : CONTROL).test(text);
}

export function hasVisibleCharacter(text: string): boolean {
  return text.replace(INVISIBLE, '') !== '';
}

/** What is wrong with a non-empty profile text, or null. `label` names the field ("Display name", "--admin-name"). */
export function profileTextProblem(label: string, value: string, options: { multiline?: boolean } = {}): string | null {
  if (hasControlCharacter(value, options)) {
    const examples = options.multiline ? 'NUL, ESC or a tab' : 'NUL, ESC, a tab or a line break';
    return `${label} holds a control character (such as ${examples}): remove it.`;
  }
  if (!hasVisibleCharacter(value)) return `${label} has no visible characters (only spaces or invisible ones such as a zero-width space): type it out.`;
  return null;
}

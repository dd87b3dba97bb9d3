/**
 * Stricter than Slack on purpose: Slack turns any `<!channel>`, `<!here>`, `<@U…>` or link found in
 * message text into a live mention or link, so user data (file names, display names, passwords)
 * must reach it with `&`, `<` and `>` escaped. The fake refuses a message or view whose displayed
 * text has a `<…>` that is not one of Roster's own forms, or a bare `&` or `>`.
 */
import type { Obj } from './block-kit-elements.js';

/** Roster's own markup: a member mention, a channel link and a date in the reader's time zone. */
const ROSTER_FORMS: RegExp[] = [/^<@[UW][A-Z0-9]+>/, /^<#[CGD][A-Z0-9]+(\|[^<>|]*)?>/, /^<!date\^\d+\^[^|<>]+\|[^<>]*>/];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems with one piece of text Slack will display (empty when every special character is escaped). */
export function unescapedTextProblems(text: string, where: string): string[] {
  const problems: string[] = [];
  const quote = (i: number) => JSON.stringify(text.slice(i, i + 30));
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<') {
      const own = ROSTER_FORMS.map((form) => form.exec(text.slice(i))).find(Boolean);
      if (own) {
        i += own[0].length - 1;
        continue;
      }
      problems.push(`${where}: unescaped "<" at ${quote(i)}; Slack would parse it as a mention or link (escape it as &lt;)`);
    } else if (c === '>') {
      problems.push(`${where}: unescaped ">" at ${quote(Math.max(0, i - 10))} (escape it as &gt;)`);
    } else if (c === '&' && !/^&(amp|lt|gt);/.test(text.slice(i, i + 5))) {
      problems.push(`${where}: unescaped "&" at ${quote(i)} (escape it as &amp;)`);
    }
  }
  return problems;
}

function textOf(t: unknown): string | undefined {
  return isObj(t) && typeof t.text === 'string' ? t.text : undefined;
}

/** The displayed text of section, header and context blocks (where Roster puts user data). */
export function unescapedBlockProblems(blocks: unknown, where: string): string[] {
  if (!Array.isArray(blocks)) return [];
  const problems: string[] = [];
  blocks.forEach((block: unknown, i) => {
    if (!isObj(block)) return;
    const texts: [string, unknown][] = [];
    if (block.type === 'section' || block.type === 'header') texts.push(['text', block.text]);
    if (block.type === 'section' && Array.isArray(block.fields)) block.fields.forEach((f, j) => texts.push([`fields/${j}`, f]));
    if (block.type === 'context' && Array.isArray(block.elements)) block.elements.forEach((e, j) => texts.push([`elements/${j}`, e]));
    for (const [path, value] of texts) {
      const text = textOf(value);
      if (text !== undefined) problems.push(...unescapedTextProblems(text, `${where}/${i}/${path}`));
    }
  });
  return problems;
}

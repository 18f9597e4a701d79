// Markdown building blocks for PR comments and job summaries: safe inline code, fences, and fitting a report into
// GitHub's size limit by shortening the long lists evenly instead of cutting the document off mid-block.

/** GitHub refuses comments over 65,536 characters; leave room for what a caller may wrap around ours. */
export const DEFAULT_MAX_LENGTH = 65_000;

/** `ghes.example.com/api/v3`: the instance, without scheme or trailing slash, host lower-cased. */
export function instanceName(apiUrl: string): string {
  try {
    const url = new URL(apiUrl);
    return `${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return apiUrl;
  }
}

/** For a hidden marker: readable, but unable to end the HTML comment early; only `/` and `:` are left unescaped. */
export function markerValue(text: string): string {
  return encodeURIComponent(text).replace(/%2F/gi, '/').replace(/%3A/gi, ':');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code span that holds any text literally, backticks included. */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fence longer than any backtick run in the content, so a name cannot close the block early. */
export function codeFence(lines: readonly string[]): string {
  let longest = 2;
  for (const line of lines) for (const run of line.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(longest + 1);
}

/** A block of the report with a list that may be shortened: `head`, some of `items`, a note on the rest, `tail`. */
export interface Section {
  head: string;
  items: string[];
  tail: string;
  /** The line that replaces the `n` items left out. */
  omitted: (n: number) => string;
}

function fullLength(section: Section): number {
  return section.head.length + section.tail.length + section.items.reduce((sum, item) => sum + item.length, 0);
}

function render(section: Section, count: number): string {
  const left = section.items.length - count;
  return section.head + section.items.slice(0, count).join('') + (left > 0 ? section.omitted(left) : '') + section.tail;
}

/**
 * Renders the sections within `budget` characters. Each keeps its head and tail; the space left for items is
 * shared out evenly (a short list keeps everything, and what it does not use goes to the long ones), so one
 * huge kind cannot crowd out the others. Sections that do not fit even empty are dropped from the end.
 */
export function fitSections(sections: readonly Section[], budget: number): { text: string; truncated: boolean } {
  const full = sections.map(fullLength);
  if (full.reduce((a, b) => a + b, 0) <= budget) {
    return { text: sections.map((s) => render(s, s.items.length)).join(''), truncated: false };
  }

  const kept = [...sections];
  const frame = (s: Section) => s.head.length + s.tail.length + s.omitted(s.items.length).length;
  let remaining = budget - kept.reduce((sum, s) => sum + frame(s), 0);
  while (remaining < 0 && kept.length > 0) remaining += frame(kept.pop()!);

  const itemSpace = kept.map((s) => fullLength(s) - s.head.length - s.tail.length);
  const allotment = new Array<number>(kept.length).fill(0);
  const bySize = kept.map((_, i) => i).sort((a, b) => itemSpace[a]! - itemSpace[b]!);
  bySize.forEach((index, rank) => {
    const share = Math.floor(remaining / (bySize.length - rank));
    allotment[index] = Math.min(itemSpace[index]!, share);
    remaining -= allotment[index];
  });

  const text = kept
    .map((section, i) => {
      let used = 0;
      let count = 0;
      for (const item of section.items) {
        if (used + item.length > allotment[i]!) break;
        used += item.length;
        count += 1;
      }
      return render(section, count);
    })
    .join('');
  return { text, truncated: true };
}

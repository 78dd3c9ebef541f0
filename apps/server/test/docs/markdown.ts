/** Reads the README and docs/ as the docs tests check them: links with their anchors, headings, runnable blocks. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** README.md and every Markdown file under docs/, as paths relative to the repository. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(REPO_ROOT, 'docs'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)));
  return ['README.md', ...docs.sort()];
}

/** The text outside fenced blocks, with inline code blanked: links and headings are only read there. */
function prose(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (opening && (fence === null || opening.startsWith(fence))) {
      fence = fence === null ? opening : null;
      lines.push('');
      continue;
    }
    lines.push(fence === null ? line.replace(/`+[^`]*`+/g, (code) => ' '.repeat(code.length)) : '');
  }
  return lines;
}

export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** Every relative link and image of a file (`[text](target)`), web and mail addresses left out. */
export function relativeLinks(file: string): Link[] {
  const links: Link[] = [];
  prose(readFileSync(join(REPO_ROOT, file), 'utf8')).forEach((text, index) => {
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ file, line: index + 1, target });
    }
  });
  return links;
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
export function headingAnchors(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose(readFileSync(join(REPO_ROOT, file), 'utf8').replace(/`([^`]*)`/g, '$1'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\- _]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

export interface RunnableBlock {
  readonly file: string;
  readonly line: number;
  readonly script: string;
}

/** The shell blocks marked runnable: a `<!-- runnable -->` line, then a ```sh block. */
export function runnableBlocks(file: string): RunnableBlock[] {
  const lines = readFileSync(join(REPO_ROOT, file), 'utf8').split('\n');
  const blocks: RunnableBlock[] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== '<!-- runnable -->') return;
    const open = lines.findIndex((candidate, at) => at > index && candidate.trim() !== '');
    if (open < 0 || !/^```(sh|bash|shell)\s*$/.test(lines[open]!.trim()))
      throw new Error(`${file}:${index + 1}: <!-- runnable --> must be followed by a \`\`\`sh block`);
    const close = lines.findIndex((candidate, at) => at > open && candidate.trim() === '```');
    if (close < 0) throw new Error(`${file}:${open + 1}: the runnable block is not closed`);
    blocks.push({ file, line: open + 1, script: lines.slice(open + 1, close).join('\n') });
  });
  return blocks;
}

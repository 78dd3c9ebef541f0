import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationFiles, headingAnchors, REPO_ROOT, relativeLinks } from './markdown';

// Every relative link and #anchor in README.md and docs/ must lead somewhere: a moved page or a renamed heading
// fails here, not in a reader's browser.
describe('the links of README.md and docs/', () => {
  const files = documentationFiles();
  const links = files.flatMap(relativeLinks);

  it('finds the pages and their links', () => {
    expect(files).toContain('docs/configuration.md');
    expect(links.length).toBeGreaterThan(50);
  });

  it('every relative link names a file or folder of the repository, and every #anchor a heading of its page', () => {
    const broken: string[] = [];
    for (const link of links) {
      const [path = '', anchor] = link.target.split('#', 2) as [string, string | undefined];
      const target = path === '' ? link.file : normalize(join(dirname(link.file), decodeURIComponent(path)));
      const where = `${link.file}:${link.line} → ${link.target}`;
      const outside = relative(REPO_ROOT, join(REPO_ROOT, target)).startsWith('..');
      if (outside) broken.push(`${where}: outside the repository`);
      else if (!existsSync(join(REPO_ROOT, target))) broken.push(`${where}: no such file`);
      else if (anchor !== undefined) {
        if (statSync(join(REPO_ROOT, target)).isDirectory() || !target.endsWith('.md'))
          broken.push(`${where}: an anchor into something that is not a Markdown page`);
        else if (!headingAnchors(target).has(anchor)) broken.push(`${where}: no heading with that anchor`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reads anchors as GitHub makes them', () => {
    expect(headingAnchors('docs/benchmarks.md')).toContain(
      'leader-election-timings-not-renewing-on-any-elector-benchelector-timingsts',
    );
    expect(headingAnchors('docs/architecture.md')).toContain('hawks-own-ha');
  });
});

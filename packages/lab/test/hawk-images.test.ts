import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySources, REPO_ROOT } from '../src/hawk-images';

// The images from HEAD are reused by a hash of what their Dockerfiles copy: a path missed here would be a stale image.
describe("the build inputs read from hawk's Dockerfiles", () => {
  it.each(['server', 'web'])('apps/%s/Dockerfile: every path it copies from the context', (component) => {
    const file = `apps/${component}/Dockerfile`;
    expect(copySources(readFileSync(join(REPO_ROOT, file), 'utf8'), file).sort()).toEqual(
      [
        'package.json',
        'packages/core',
        'packages/core/package.json',
        ...(component === 'server' ? ['packages/lab/package.json'] : []),
        `apps/${component}`,
        `apps/${component}/package.json`,
        'pnpm-lock.yaml',
        'pnpm-workspace.yaml',
        'tsconfig.base.json',
      ].sort(),
    );
  });

  it('skips copies from another stage, and refuses what it cannot key exactly', () => {
    const dockerfile = 'COPY --from=build /src/dist ./dist\nADD --chown=1 a.txt \\\n  b/ /x/\n';
    expect(copySources(dockerfile, 'f')).toEqual(['a.txt', 'b']);
    for (const line of [
      'COPY ["a", "/b"]',
      'COPY src/*.ts /app/',
      'COPY . /src',
      'RUN --mount=type=bind,target=/src make',
    ])
      expect(() => copySources(line, 'f'), line).toThrow(/cannot key the image/);
  });
});

// The sticky comment's pure parts: the marker that finds it again, and bodies that fit GitHub's limit.
import { describe, expect, it } from 'vitest';
import {
  COMMENT_MAX_LENGTH,
  commentMarker,
  failureCommentBody,
  normalizeConfigPath,
  planCommentBody,
} from '../../src/action/comment.js';
import { instanceName } from '../../src/report/markdown.js';
import type { HookOperation, Plan } from '../../src/plan/types.js';
import { FULL_PLAN_NOTE } from '../../src/report/plan.js';

const prod = { apiUrl: 'https://GHES.example.com/api/v3/', config: 'ghes-gitops.yml' };

function planOf(hooks: number): Plan {
  const operations: HookOperation[] = Array.from({ length: hooks }, (_, i) => ({
    id: `hook:create:h${i}`,
    kind: 'hook',
    key: `h${i}`,
    action: 'create',
    changes: { name: { from: null, to: `h${i}` }, script: { from: null, to: `scripts/very/long/path/check-${i}.sh` } },
    dependsOn: [],
    fields: {
      name: `h${i}`,
      script: `scripts/very/long/path/check-${i}.sh`,
      script_repository: 'admin/hooks',
      environment: 'Default',
      enforcement: 'disabled',
      allow_downstream_configuration: false,
    },
    warnings: [],
  }));
  return {
    formatVersion: 1,
    operations,
    unmanaged: [],
    summary: { create: hooks, update: 0, delete: 0, download: 0 },
    liveCounts: { environment: 0, hook: 0, webhook: 0 },
    environmentIds: {},
    warnings: [],
  };
}

describe('commentMarker', () => {
  it('names the instance and the config, and is hidden', () => {
    expect(commentMarker(prod)).toBe('<!-- ghes-gitops:plan api=ghes.example.com/api/v3 config=ghes-gitops.yml -->');
  });

  it.each([[{ ...prod, apiUrl: 'https://ghes.example.com/api/v3' }], [{ ...prod, config: './ghes-gitops.yml' }]])(
    'is the same for the same target spelled differently: %j',
    (target) => {
      expect(commentMarker(target)).toBe(commentMarker(prod));
    },
  );

  it.each([
    [{ ...prod, apiUrl: 'https://ghes-staging.example.com/api/v3' }],
    [{ ...prod, apiUrl: 'https://ghes.example.com:8443/api/v3' }],
    [{ ...prod, config: 'instances/prod/' }],
  ])('differs for another instance or config: %j', (target) => {
    expect(commentMarker(target)).not.toBe(commentMarker(prod));
  });

  it('cannot be closed early by a hostile config path', () => {
    const marker = commentMarker({ ...prod, config: 'x --> <img src=x> <!--' });
    expect(marker.match(/-->/g)).toHaveLength(1);
    expect(marker).not.toContain('<img');
    expect(marker.endsWith(' -->')).toBe(true);
  });

  it.each([
    ['instances/prod/', 'instances/prod'],
    ['./instances//prod', 'instances/prod'],
    ['instances\\prod', 'instances/prod'],
    ['./', '.'],
  ])('normalizes config %j to %j', (path, normalized) => expect(normalizeConfigPath(path)).toBe(normalized));

  it('names the instance without scheme', () => {
    expect(instanceName('http://127.0.0.1:8080/api/v3')).toBe('127.0.0.1:8080/api/v3');
  });
});

describe('planCommentBody', () => {
  it('puts the counts first and ends with the marker', () => {
    const body = planCommentBody(planOf(2), prod, {
      sha: 'abcdef0123456',
      runUrl: 'https://github.example.com/o/r/actions/runs/9',
    });
    expect(body.startsWith('### ghes-gitops plan: ghes.example.com/api/v3 · ghes-gitops.yml\n\n| | Create |')).toBe(
      true,
    );
    expect(body).toContain(
      'For abcdef0 · [Workflow run and job summary](https://github.example.com/o/r/actions/runs/9)',
    );
    expect(body.trimEnd().endsWith(commentMarker(prod))).toBe(true);
    expect(body).not.toContain(FULL_PLAN_NOTE);
  });

  it.each([1500, 20_000])('fits %d operations under the limit, keeping the marker', (n) => {
    const body = planCommentBody(planOf(n), prod);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH);
    expect(body).toContain(FULL_PLAN_NOTE);
    expect(body.trimEnd().endsWith(commentMarker(prod))).toBe(true);
  });
});

describe('failureCommentBody', () => {
  it('says the plan failed, shows the message in a fence that cannot be broken out of, keeps the marker', () => {
    const body = failureCommentBody('bad ```\nline 2', prod, { sha: 'abcdef0123' });
    expect(body).toContain('**The plan failed**');
    expect(body).toContain('````\nbad ```\nline 2\n````');
    expect(body).toContain(commentMarker(prod));
  });

  it('cuts a huge message', () => {
    const body = failureCommentBody('x'.repeat(100_000), prod);
    expect(body.length).toBeLessThan(COMMENT_MAX_LENGTH);
    expect(body).toContain('(cut; the job log has it all)');
  });
});

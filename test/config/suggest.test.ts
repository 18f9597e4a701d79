import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/config/suggest.js';

describe('closest', () => {
  it.each([
    ['enforcment', ['name', 'enforcement', 'environment'], 'enforcement'],
    ['Enabled', ['enabled', 'disabled', 'testing'], 'enabled'],
    ['DevTools Hook Evn', ['DevTools Hook Env', 'Default'], 'DevTools Hook Env'],
    ['user', ['team', 'fork', 'ping'], undefined],
    ['x', ['version', 'prune'], undefined],
  ])('%s -> %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it('counts insertions, deletions and substitutions', () => {
    expect([editDistance('kitten', 'sitting'), editDistance('', 'abc'), editDistance('same', 'same')]).toEqual([
      3, 3, 0,
    ]);
  });
});

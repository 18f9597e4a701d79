// The README lists exactly the reason codes the Plan type defines (src/plan/codes.ts), and the warning and error
// codes (src/finding-codes.ts), both ways, so that a code added or renamed in the source cannot go undocumented,
// and a documented one cannot be missing from the type.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, WARNING_CODES } from '../../src/finding-codes.js';
import { REASON_CODES } from '../../src/plan/codes.js';
import { ROOT } from '../helpers/cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first cell of each row of the table right after `heading`. */
function firstColumn(heading: string): string[] {
  const start = README.indexOf(heading);
  expect(start, `README: "${heading}"`).toBeGreaterThan(-1);
  const lines = README.slice(start + heading.length).split('\n');
  const table = lines.slice(lines.findIndex((line) => line.startsWith('|')));
  const rows = table
    .slice(
      0,
      table.findIndex((line) => !line.startsWith('|')),
    )
    .slice(2);
  return rows.map((row) => /^\|\s*`([^`]+)`/.exec(row)?.[1] ?? row);
}

describe('README ↔ the reason codes', () => {
  it('lists every reasonCode the type defines, and no other', () => {
    expect(firstColumn('Every `reasonCode` a plan can give').sort()).toEqual(Object.keys(REASON_CODES).sort());
  });
});

describe('README ↔ the warning and error codes', () => {
  it('lists every warning code the type defines, and no other', () => {
    expect(firstColumn('Every warning `code` a plan can give').sort()).toEqual(Object.keys(WARNING_CODES).sort());
  });

  it('lists every error code the type defines, and no other', () => {
    expect(firstColumn('Every error `code` a plan can give').sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});

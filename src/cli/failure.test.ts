import { describe, expect, it } from 'vitest';
import { ConfigError } from '../app/config.ts';
import { AppError } from '../lib/errors.ts';
import { RecordsFileError } from '../modules/linkage-engine/index.ts';
import { describeFailure } from './failure.ts';

/** Issue 14, item 1: an unexpected error's message may carry data, so the CLI does not print it. */
describe('what passage prints when a command fails', () => {
  const leaking = new Error('duplicate key value: (name)=(Ion Rusu, born 1999-02-03)');

  it('prints a generic message with an error id for an unexpected error, and none of its message', () => {
    const failure = describeFailure(leaking, {});
    const text = failure.lines.join('\n');
    expect(text).not.toContain('Rusu');
    expect(text).not.toContain('1999');
    expect(text).toMatch(/failed unexpectedly \(error [0-9a-f]{8}\)/);
    expect(text).toContain('PASSAGE_DEBUG=1');
    expect(failure.exitCode).toBe(1);
    // Each failure has its own id, to tell reports apart.
    const other = describeFailure(leaking, {}).lines[0];
    expect(other).not.toBe(failure.lines[0]);
  });

  it('shows the stack on the terminal with PASSAGE_DEBUG=1', () => {
    const text = describeFailure(leaking, { PASSAGE_DEBUG: '1' }).lines.join('\n');
    expect(text).toContain('Ion Rusu');
    expect(text).toContain('failure.test.ts');
    expect(describeFailure('a thrown string', { PASSAGE_DEBUG: '1' }).lines[1]).toBe('a thrown string');
  });

  it('prints the messages written for the operator as they are', () => {
    expect(describeFailure(new AppError('not_found', 404, 'The case was not found.'), {})).toEqual({
      lines: ['passage: The case was not found.'],
      exitCode: 1,
    });
    expect(describeFailure(new ConfigError('port', 'must be a number'), {})).toEqual({
      lines: ['passage: Setting port: must be a number'],
      exitCode: 2,
    });
    expect(describeFailure(new RecordsFileError('records.csv: malformed at line 2'), {}).lines).toEqual([
      'passage: records.csv: malformed at line 2',
    ]);
  });
});

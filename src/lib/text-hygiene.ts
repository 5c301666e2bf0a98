/**
 * The one rule for the characters a string that enters the node may hold (docs/api.md, "Characters a request may
 * hold"). Refused everywhere:
 * - NUL, which PostgreSQL cannot store in text and which ends strings early in C libraries;
 * - the other C0 control characters and DEL, which no form or file of ours means to send and which hide text
 *   (a backspace or an escape sequence makes a log line or a terminal show something else than what is stored);
 * - the C1 control characters (U+0080 to U+009F), for the same reason: a Windows-1252 file read as Latin-1 shows
 *   them, and the import decodes such files as Windows-1252, so they are never typography;
 * - lone UTF-16 surrogates, which are not characters at all: PostgreSQL refuses them, and they cannot be encoded
 *   as UTF-8 without changing the text.
 * Tab, line feed and carriage return are allowed in free text (a JSON string value, a spreadsheet cell, a federation
 * message body), where a note may have several lines; they are refused in what is one line by nature: JSON keys,
 * path and query parameters, header and cookie values.
 */
import { AppError } from './errors.ts';

export type TextKind = 'text' | 'line';

// Built from code points so that the source holds no control characters; the surrogate parts match a high
// surrogate not followed by a low one and a low surrogate not preceded by a high one.
const CONTROLS_BUT_LINE_BREAKS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const BAD = {
  text: new RegExp(`[${CONTROLS_BUT_LINE_BREAKS}]|${LONE_SURROGATE}`),
  line: new RegExp(`[${CONTROLS_BUT_LINE_BREAKS}\\t\\n\\r]|${LONE_SURROGATE}`),
} as const;

/** Whether `value` holds only characters the rule allows for its kind. */
export function isCleanText(value: string, kind: TextKind = 'text'): boolean {
  return !BAD[kind].test(value);
}

/** Where a refused character was found: the part of the request, and a JSON pointer or a name within it. */
export interface BadTextLocation {
  in: string;
  path: string;
}

const pointerPart = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * The JSON pointer of the first string in `value` (keys included) that breaks the rule, or null. Walks without
 * recursion, so that a deeply nested body cannot exhaust the stack. Keys are lines; string values are text.
 */
export function findBadText(value: unknown): string | null {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      if (!isCleanText(current, 'text')) return path || '/';
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], path: `${path}/${i}` });
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const at = `${path}/${isCleanText(key, 'line') ? pointerPart(key) : '?'}`;
        if (!isCleanText(key, 'line')) return at;
        pending.push({ value: (current as Record<string, unknown>)[key], path: at });
      }
    }
  }
  return null;
}

/**
 * The refusal: 400 `invalid_characters`, naming where the character is and never the value (which may be personal
 * data, and which a log or a terminal would render).
 */
export function invalidCharacters(location: BadTextLocation): AppError {
  return new AppError(
    'invalid_characters',
    400,
    `The request holds a character that is not allowed (a control character or a broken Unicode character) in ${location.in}${location.path === '/' ? '' : ` ${location.path}`}. Remove it and send again.`,
    [location],
  );
}

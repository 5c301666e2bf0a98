/**
 * Requests made from the node's OpenAPI document for the fuzz test (test/fuzz.test.ts) and its full-size run
 * (bench/fuzz.ts): for each operation, values that fit its schemas and bad ones — NUL and other control characters,
 * lone surrogates, over-long strings, wrong types, huge numbers, deep nesting, unexpected properties, bad ids in the
 * path and bad query values — as fast-check arbitraries, so that a failure shrinks to a small input.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Operation {
  operationId?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: Schema }>;
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

export interface FuzzOperation {
  /** `METHOD /path/{param}` as the document writes it. */
  key: string;
  method: string;
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Schema }>;
  body?: { contentType: string; schema: Schema };
}

/** A request as generated: the path and query already encoded, the body as the bytes' text. */
export interface FuzzRequest {
  method: string;
  url: string;
  /** What was varied, for the report of a failure. */
  kind: string;
  contentType?: string;
  payload?: string;
  /** A multipart body's parts, sent as form data. */
  parts?: Array<{ name: string; value: string; fileName?: string }>;
  cookie?: string;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operationsOf(doc: OpenApiDocument): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const contentType = Object.keys(content)[0];
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        ...(contentType ? { body: { contentType, schema: content[contentType]?.schema ?? {} } } : {}),
      });
    }
  }
  return operations;
}

/** Strings that the input rule must refuse, or that are odd in other ways a parser or a database might trip on. */
export const badString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'Maria\u0000Rossi',
    '\u0007',
    '\u001b[31mred',
    '\u007f',
    '\u0085',
    '\uD800',
    'x\uDC00',
    '\uDBFF\uDBFF',
    '\r\n',
    '',
    ' ',
    '../../etc/passwd',
    "' or 1=1 --",
    '%00',
    '{{x}}',
    '<script>',
    'null',
    '-1',
    '0',
    '1e309',
    '9223372036854775808',
    '٣',
    '00000000-0000-0000-0000-000000000000',
    '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc
    .tuple(
      fc.string({ maxLength: 5 }),
      fc.constantFrom('\u0000', '\uD83D', '\u0001', '\u009b'),
      fc.string({ maxLength: 5 }),
    )
    .map((parts) => parts.join('')),
  fc.integer({ min: 300, max: 200_000 }).map((n) => 'a'.repeat(n)),
);

const hugeNumber = fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -(2 ** 63), 2 ** 31, -1, 0.5, 1e-320);

/** A value of the wrong kind for whatever the schema wants. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  hugeNumber,
  fc.integer(),
  badString,
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
);

/** Generates values that fit a JSON schema (as far as the document's schemas go), with `ids` for id-like fields. */
export class SchemaValues {
  readonly #components: Record<string, Schema>;
  readonly #ids: Record<string, string[]>;

  constructor(doc: OpenApiDocument, ids: Record<string, string[]>) {
    this.#components = doc.components?.schemas ?? {};
    this.#ids = ids;
  }

  resolve(schema: Schema): Schema {
    let current = schema;
    for (let i = 0; i < 10 && typeof current.$ref === 'string'; i++) {
      const name = (current.$ref as string).split('/').pop() as string;
      current = this.#components[name] ?? {};
    }
    return current;
  }

  /** An id that exists on the node for a field or parameter of this name, when one is known. */
  knownId(name: string): fc.Arbitrary<string> | undefined {
    const ids = this.#ids[name];
    return ids && ids.length > 0 ? fc.constantFrom(...ids) : undefined;
  }

  valid(input: Schema, name = '', depth = 0): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    const choices = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (choices) return fc.oneof(...choices.map((choice) => this.valid(choice, name, depth)));
    if (Array.isArray(schema.allOf)) return this.valid((schema.allOf as Schema[])[0] ?? {}, name, depth);
    const type = schema.type;
    if (Array.isArray(type)) return fc.oneof(...type.map((t) => this.valid({ ...schema, type: t }, name, depth)));
    switch (type) {
      case 'string':
        return this.#string(schema, name);
      case 'integer':
        return fc.integer({
          min: Math.max(Number(schema.minimum ?? -1000), -1e9),
          max: Math.min(Number(schema.maximum ?? 1000), 1e9),
        });
      case 'number':
        return fc.double({
          min: Number(schema.minimum ?? -1000),
          max: Number(schema.maximum ?? 1000),
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        if (depth > 4) return fc.constant([]);
        const items = this.valid((schema.items as Schema) ?? {}, name, depth + 1);
        const minLength = Number(schema.minItems ?? 0);
        return fc.array(items, { minLength, maxLength: Math.min(Number(schema.maxItems ?? 3), minLength + 3) });
      }
      case 'object':
        return this.#object(schema, depth);
      default:
        return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean());
    }
  }

  #string(schema: Schema, name: string): fc.Arbitrary<string> {
    const known = this.knownId(name);
    if (known) return known;
    const minLength = Number(schema.minLength ?? 0);
    const maxLength = Math.min(Number(schema.maxLength ?? 40), minLength + 40);
    if (typeof schema.pattern === 'string') {
      // Repeated to reach a minimum length where the pattern allows it (a filter could loop for ever).
      const pattern = new RegExp(schema.pattern);
      return fc.stringMatching(pattern).map((s) => {
        let text = s || 'a';
        while (text.length < minLength) text += text;
        return pattern.test(text) ? text : s;
      });
    }
    switch (schema.format) {
      case 'date-time':
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString());
      case 'date':
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      case 'email':
        return fc.emailAddress();
      case 'uri':
        return fc.webUrl();
      case 'byte':
        return fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64'));
      default:
        return fc.string({ minLength, maxLength });
    }
  }

  #object(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    if (depth > 4) return fc.constant({});
    const required = (schema.required ?? []) as string[];
    const record = fc.record(
      Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, this.valid(value, key, depth + 1)])),
      { requiredKeys: required.filter((key) => key in properties) },
    );
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      const extra = fc.dictionary(
        fc.string({ minLength: 1, maxLength: 12 }),
        this.valid(schema.additionalProperties as Schema, '', depth + 1),
        { maxKeys: 3 },
      );
      return fc.tuple(extra, record).map(([a, b]) => ({ ...a, ...(b as object) }));
    }
    return record;
  }

  /** A value of the schema with one thing wrong: a bad string, a wrong type, an extra property, or deep nesting. */
  bad(schema: Schema): fc.Arbitrary<{ value: unknown; raw?: string; kind: string }> {
    return fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(this.valid(schema), fc.nat(), badString)
          .map(([v, at, s]) => ({ value: replaceLeaf(v, at, s, true), kind: 'bad string' })),
      },
      {
        weight: 3,
        arbitrary: fc
          .tuple(this.valid(schema), fc.nat(), wrongValue)
          .map(([v, at, w]) => ({ value: replaceLeaf(v, at, w, false), kind: 'wrong type' })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(this.valid(schema), fc.nat(), fc.oneof(fc.string({ maxLength: 10 }), badString), wrongValue)
          .map(([v, at, key, extra]) => ({ value: addProperty(v, at, key, extra), kind: 'unexpected property' })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.integer({ min: 100, max: 100_000 }), fc.constantFrom('[', '{"a":'))
          .map(([depth, open]) => ({
            value: null,
            raw:
              open === '[' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${open.repeat(depth)}1${'}'.repeat(depth)}`,
            kind: 'deep nesting',
          })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('{', '[1,', '"', 'nul', '{"a":1}{', '\u0000')
          .map((raw) => ({ value: null, raw, kind: 'malformed JSON' })),
      },
    );
  }
}

/** The leaves (or, with `stringsOnly` false, any node) of a JSON value in a fixed order. */
function nodes(value: unknown, stringsOnly: boolean): Array<{ parent: unknown; key: string | number | null }> {
  const found: Array<{ parent: unknown; key: string | number | null }> = [];
  const walk = (node: unknown, parent: unknown, key: string | number | null) => {
    if (!stringsOnly || typeof node === 'string') found.push({ parent, key });
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) walk(node[i], node, i);
    } else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, node, k);
  };
  walk(value, null, null);
  return found;
}

/** Replaces the `at`-th string leaf (or node) of a copy of `value` with `by`; the whole value when there is none. */
function replaceLeaf(value: unknown, at: number, by: unknown, stringsOnly: boolean): unknown {
  const copy = structuredClone(value);
  const candidates = nodes(copy, stringsOnly);
  if (candidates.length === 0)
    return stringsOnly && copy && typeof copy === 'object' ? addProperty(copy, at, 'note', by) : by;
  const { parent, key } = candidates[at % candidates.length] as { parent: unknown; key: string | number | null };
  if (parent === null || key === null) return by;
  (parent as Record<string | number, unknown>)[key] = by;
  return copy;
}

function addProperty(value: unknown, at: number, key: string, extra: unknown): unknown {
  const copy = structuredClone(value);
  const objects = nodes(copy, false)
    .map(({ parent, key: k }) =>
      parent === null || k === null ? copy : (parent as Record<string | number, unknown>)[k],
    )
    .filter((node) => node !== null && typeof node === 'object' && !Array.isArray(node));
  const target = objects[at % Math.max(objects.length, 1)] as Record<string, unknown> | undefined;
  if (!target) return { [key]: extra };
  target[key] = extra;
  return copy;
}

/**
 * Percent-encodes a path segment or query value; a lone surrogate, which encodeURIComponent refuses, becomes the
 * bytes a careless client would send for it (CESU-8, not valid UTF-8).
 */
export function encodeText(text: string): string {
  return [...text]
    .map((c) => {
      const code = c.charCodeAt(0);
      if (c.length === 1 && code >= 0xd800 && code <= 0xdfff) {
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      }
      return encodeURIComponent(c);
    })
    .join('');
}

const rawSegment = fc.constantFrom('%', '%zz', '%C0%AF', '%FF', '..', '%2e%2e', '%00', '%ED%A0%80', '%2F', '');

/** All the requests for one operation: valid-looking ones and ones with one thing wrong. */
export function requestsFor(op: FuzzOperation, values: SchemaValues): fc.Arbitrary<FuzzRequest> {
  const validSegment = (name: string) =>
    values.knownId(name) ?? fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), fc.nat().map(String));
  const segment = (name: string, bad: boolean) =>
    bad ? fc.oneof(badString.map(encodeText), rawSegment) : validSegment(name).map(encodeText);
  const queryParam = (q: { name: string; schema: Schema }, bad: boolean) =>
    (bad ? badString : values.valid(q.schema, q.name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))).map(
      (v) => `${encodeText(q.name)}=${encodeText(v)}`,
    );
  const body = op.body;
  const kinds = [
    'valid',
    ...(op.pathParams.length > 0 ? ['bad path'] : []),
    'bad query',
    ...(body ? ['bad body'] : []),
    'bad cookie',
  ];
  return fc.constantFrom(...kinds).chain((kind) => {
    const badParam = kind === 'bad path' ? fc.nat({ max: op.pathParams.length - 1 }) : fc.constant(-1);
    const path = badParam.chain((bad) =>
      fc.tuple(...op.pathParams.map((name, i) => segment(name, i === bad)), fc.constant('')).map((segments) => {
        let i = 0;
        return op.path.replace(/\{\w+\}/g, () => segments[i++] as string);
      }),
    );
    const query = fc
      .tuple(
        ...op.query.map((q) => fc.option(queryParam(q, false), { nil: undefined })),
        kind === 'bad query'
          ? fc.oneof(
              op.query.length > 0
                ? fc.constantFrom(...op.query).chain((q) => queryParam(q, true))
                : badString.map((v) => `x=${encodeText(v)}`),
              fc.tuple(badString, badString).map(([k, v]) => `${encodeText(k)}=${encodeText(v)}`),
              rawSegment.map((raw) => `${op.query[0]?.name ?? 'q'}=${raw}`),
            )
          : fc.constant(undefined),
      )
      .map((parts) => parts.filter((p) => p !== undefined).join('&'));
    const payload: fc.Arbitrary<Pick<FuzzRequest, 'payload' | 'parts' | 'contentType'> & { what?: string }> = !body
      ? fc.constant({})
      : body.contentType === 'multipart/form-data'
        ? multipart(body.schema, values, kind === 'bad body')
        : body.contentType === 'application/json'
          ? (kind === 'bad body'
              ? values.bad(body.schema).map((b) => ({ payload: b.raw ?? JSON.stringify(b.value), what: b.kind }))
              : values.valid(body.schema).map((v) => ({ payload: JSON.stringify(v) }))
            ).map((p) => ({ ...p, contentType: 'application/json' }))
          : (kind === 'bad body' ? badString : fc.string({ maxLength: 60 })).map((text) => ({
              payload: text,
              contentType: body.contentType,
            }));
    const cookie =
      kind === 'bad cookie' ? badString.map((v) => `passage_session=${encodeText(v)}`) : fc.constant(undefined);
    return fc.tuple(path, query, payload, cookie).map(([p, q, b, c]) => {
      const { what, ...rest } = b as typeof b & { what?: string };
      return {
        method: op.method,
        url: q ? `${p}?${q}` : p,
        kind: what ? `${kind}: ${what}` : kind,
        ...rest,
        ...(c ? { cookie: c } : {}),
      };
    });
  });
}

function multipart(schema: Schema, values: SchemaValues, bad: boolean) {
  const properties = (values.resolve(schema).properties ?? {}) as Record<string, Schema>;
  const fields = Object.entries(properties).filter(([, s]) => values.resolve(s).format !== 'binary');
  const fileField = Object.entries(properties).find(([, s]) => values.resolve(s).format === 'binary')?.[0] ?? 'file';
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return fc
    .tuple(
      fc.tuple(...fields.map(([name, s]) => fc.option(values.valid(s, name).map(text), { nil: undefined }))),
      bad ? fc.tuple(fc.nat(), badString, fc.boolean()) : fc.constant(null),
      fc.oneof(fc.string({ maxLength: 20 }), badString),
      fc.string({ maxLength: 200 }),
    )
    .map(([valid, mutation, fileName, content]) => {
      const parts: Array<{ name: string; value: string; fileName?: string }> = [];
      fields.forEach(([name], i) => {
        if (valid[i] !== undefined) parts.push({ name, value: valid[i] as string });
      });
      if (mutation) {
        const [at, value, asName] = mutation;
        if (asName || parts.length === 0) parts.push({ name: value.slice(0, 100), value: 'x' });
        else (parts[at % parts.length] as { value: string }).value = value;
      }
      parts.push({ name: fileField, value: content, fileName: fileName || 'file.txt' });
      return { parts, contentType: 'multipart/form-data' };
    });
}

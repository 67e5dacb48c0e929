/**
 * ajv keywords whose compiled code calls runtime/wire.ts checks, so the standalone validators
 * import those checks from the runtime instead of from ajv (which generated code may not import).
 * `minLength`/`maxLength` are replaced for the same reason: ajv's own ones `require()` its
 * code-point counter, which an ES module cannot.
 */
import type { Ajv, KeywordCxt } from 'ajv';
import { _, Name } from 'ajv';

/** Runtime names the generated validators import, each under an alias private to the module. */
export const RUNTIME_CHECKS = {
  decimal: 'isDecimalText',
  integer: 'isIntegerText',
  uuid: 'isUuidText',
  date: 'isDateText',
  'date-time': 'isDateTimeText',
  base64: 'isBase64Text',
  compare: 'compareDecimalText',
  length: 'codePointLength',
} as const;

const PROBLEMS: Record<string, string> = {
  decimal: 'must be a decimal number as text',
  integer: 'must be an integer as text',
  uuid: 'must be a UUID',
  date: 'must be a date YYYY-MM-DD',
  'date-time': 'must be an ISO 8601 date-time with a time zone',
  base64: 'must be base64 text',
};

export function runtimeAlias(name: string): string {
  return `__${name}`;
}

function runtimeFunc(cxt: KeywordCxt, name: string): Name {
  // `ref` is only used when ajv runs the validator in-process; standalone output prints `code`.
  return cxt.gen.scopeValue('func', { ref: () => undefined, code: _`${new Name(runtimeAlias(name))}` });
}

export function addEventforgeKeywords(ajv: Ajv): void {
  ajv.addKeyword({
    keyword: 'textFormat',
    type: 'string',
    schemaType: 'string',
    code(cxt) {
      const check = RUNTIME_CHECKS[cxt.schema as keyof typeof RUNTIME_CHECKS];
      cxt.fail(_`!${runtimeFunc(cxt, check)}(${cxt.data})`);
    },
    error: { message: (cxt) => _`${PROBLEMS[cxt.schema as string] ?? 'has the wrong format'}` },
  });
  for (const [keyword, op, words] of [
    ['decimalMinimum', '<', 'must be >= '],
    ['decimalMaximum', '>', 'must be <= '],
  ] as const) {
    ajv.addKeyword({
      keyword,
      type: 'string',
      schemaType: 'string',
      code(cxt) {
        const compare = runtimeFunc(cxt, RUNTIME_CHECKS.compare);
        const format = runtimeFunc(cxt, RUNTIME_CHECKS.decimal);
        const outside =
          op === '<' ? _`${compare}(${cxt.data}, ${cxt.schema}) < 0` : _`${compare}(${cxt.data}, ${cxt.schema}) > 0`;
        cxt.fail(_`${format}(${cxt.data}) && ${outside}`);
      },
      error: { message: (cxt) => _`${words + String(cxt.schema)}` },
    });
  }
  ajv.removeKeyword('minLength').removeKeyword('maxLength');
  for (const [keyword, op, words] of [
    ['minLength', '<', 'must have at least'],
    ['maxLength', '>', 'must have at most'],
  ] as const) {
    ajv.addKeyword({
      keyword,
      type: 'string',
      schemaType: 'number',
      code(cxt) {
        const length = runtimeFunc(cxt, RUNTIME_CHECKS.length);
        cxt.fail(op === '<' ? _`${length}(${cxt.data}) < ${cxt.schema}` : _`${length}(${cxt.data}) > ${cxt.schema}`);
      },
      error: { message: (cxt) => _`${`${words} ${String(cxt.schema)} character${cxt.schema === 1 ? '' : 's'}`}` },
    });
  }
}

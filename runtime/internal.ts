/**
 * The helpers generated code calls (`eventforge/runtime/internal`): wire-form readers and
 * writers, text-format checks, payload checks and what declarative applies need. Generated
 * transcoders, validators, upcasters and aggregates import them from here; applications import
 * from `eventforge/runtime` (index.ts). Not a stable API: these change with the generator.
 */
export {
  decodeBase64,
  decodeFailure,
  joinPath,
  readBigint,
  readBoolean,
  readBytes,
  readDate,
  readDateTime,
  readDecimal,
  readEnum,
  readFloat,
  readInt,
  readJson,
  readList,
  readMap,
  readObject,
  readPayload,
  readString,
  readUuid,
  unknownVersion,
  type DecodeAt,
  type FieldReader,
  type Mutable,
} from './wire/readers.js';
export { encodeBytes, encodeDateTime, encodeList, encodeMap } from './wire/encoders.js';
export {
  codePointLength,
  compareDecimalText,
  isBase64Text,
  isDateText,
  isDateTimeText,
  isDecimalText,
  isIntegerText,
  isUuidText,
} from './wire/text-formats.js';
export {
  assertValid,
  checkPayload,
  schemaIssues,
  type SchemaError,
  type SchemaValidator,
} from './wire/payload-checks.js';
export { outOfOrder, removeFirst, valuesEqual } from './wire/apply-helpers.js';
export { addDecimal, subtractDecimal } from './decimal.js';
export { removeByKey, removeEntry, updateByKey, updateEntry, upsertByKey } from './wire/keyed.js';
export {
  pushInPlace,
  removeByKeyInPlace,
  removeEntryInPlace,
  removeFirstInPlace,
  setEntryInPlace,
  updateByKeyInPlace,
  updateEntryInPlace,
  upsertByKeyInPlace,
} from './wire/in-place.js';

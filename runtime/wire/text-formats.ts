/**
 * Text formats of the wire form (decimal, integer, date, date-time, UUID, base64) and the
 * measures JSON Schema takes of text: used by the readers and by the generated validators'
 * custom keywords.
 */
import { Decimal } from 'decimal.js';

const DECIMAL_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^-?(?:0|[1-9]\d*)$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_TEXT = /^(?:[+-]\d{6}|\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `YYYY-MM-DD` naming a real calendar day. */
export function isDateText(text: string): boolean {
  const m = DATE_TEXT.exec(text);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

/** The date-time pattern alone (the reader then parses the text once). */
export function isDateTimeShape(text: string): boolean {
  return DATETIME_TEXT.test(text);
}

export function isDateTimeText(text: string): boolean {
  return DATETIME_TEXT.test(text) && !Number.isNaN(new Date(text).getTime());
}

export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}

export function isIntegerText(text: string): boolean {
  return INTEGER_TEXT.test(text);
}

export function isUuidText(text: string): boolean {
  return UUID_TEXT.test(text);
}

export function isBase64Text(text: string): boolean {
  return BASE64_TEXT.test(text);
}

/** Compares two decimal texts exactly: negative, zero or positive. NaN-safe callers check the format first. */
export function compareDecimalText(a: string, b: string): number {
  return new Decimal(a).comparedTo(new Decimal(b));
}

/** Length in Unicode code points, as JSON Schema counts `minLength`/`maxLength`. */
export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    length++;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return length;
}

/**
 * PostgreSQL payloads read as text (`payloads: 'text'`, for the mapper: log pages and loads). A
 * payload without layers (its first byte a text byte, payload-envelope.ts) is selected in bytea's
 * escape format, which is its JSON itself when it is ASCII without a backslash (`\\` and `\nnn`
 * otherwise); any other as `\x` and hex. Half the characters of hex for JSON, no byte buffer per
 * row, and never an error on bytes that are not UTF-8, where `convert_from` would fail the whole
 * read on one such row (the mapper refuses it when it opens it).
 */

/** The payload column `column` as text, as the module comment says. */
export function textPayload(column: string): string {
  return (
    `CASE WHEN octet_length(${column}) = 0 THEN '' WHEN get_byte(${column}, 0) >= 9 ` +
    `THEN encode(${column}, 'escape') ELSE E'\\\\x' || encode(${column}, 'hex') END`
  );
}

/** Sets a record's payload from a `textPayload` value: its JSON text in `stateText`, or its bytes in `state`. */
export function readTextPayload(record: { state: Uint8Array; stateText?: string }, text: string): void {
  if (text.startsWith('\\x')) record.state = Buffer.from(text.slice(2), 'hex');
  else if (text.includes('\\')) record.state = unescapeBytea(text);
  else if (text !== '') record.stateText = text;
}

/** bytea's escape format back to its bytes: `\\` is a backslash, `\nnn` an octal byte, the rest ASCII. */
export function unescapeBytea(text: string): Uint8Array {
  const bytes = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      bytes[n++] = c;
      i += 1;
    } else if (text.charCodeAt(i + 1) === 0x5c) {
      bytes[n++] = 0x5c;
      i += 2;
    } else {
      bytes[n++] =
        ((text.charCodeAt(i + 1) - 0x30) << 6) |
        ((text.charCodeAt(i + 2) - 0x30) << 3) |
        (text.charCodeAt(i + 3) - 0x30);
      i += 4;
    }
  }
  return bytes.subarray(0, n);
}

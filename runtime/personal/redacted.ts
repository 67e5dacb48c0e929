/**
 * What a personal field reads as once its subject's data key is deleted (`app.forget`), when the
 * schema declares no `redacted:` placeholder for it. It is plain JSON, so a snapshot of a
 * forgotten aggregate stores it as it is, and generated types say `string | Redacted`.
 */
export type Redacted = { readonly $redacted: true };

/** The one redacted marker; compare with {@link isRedacted}, not by identity (decoded copies are equal). */
export const REDACTED: Redacted = Object.freeze({ $redacted: true });

/** Whether a value (typed or wire form) is the redacted marker. */
export function isRedacted(value: unknown): value is Redacted {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $redacted?: unknown }).$redacted === true &&
    Object.keys(value).length === 1
  );
}

/**
 * In-place counterparts of the declarative applies' immutable helpers (apply-helpers.ts,
 * keyed.ts), for an aggregate's replay: a load applies hundreds of events to one draft state
 * that nothing else holds, so each event changes the draft's own list or map instead of copying
 * it (a copy per event makes a load quadratic in the list's length). Each leaves the list or map
 * exactly as the immutable helper's result would be; the generated `mutateInPlace` calls them only
 * on lists and maps the draft owns (see `Aggregate.replay`).
 */
import { valuesEqual } from './apply-helpers.js';

/** Appends `value` (the in-place `[...list, value]`). */
export function pushInPlace<T>(list: readonly T[], value: T): void {
  (list as T[]).push(value);
}

/** Removes the first element equal to `value`, if any (the in-place `removeFirst`). */
export function removeFirstInPlace<T>(list: readonly T[], value: T): void {
  const index = list.findIndex((item) => valuesEqual(item, value));
  if (index >= 0) (list as T[]).splice(index, 1);
}

/** Removes every element from `from` on whose key is `key`. */
function removeKeyFrom<T, K>(list: T[], keyOf: (element: T) => K, key: K, from: number): void {
  let kept = from;
  for (let i = from; i < list.length; i++) {
    const element = list[i] as T;
    if (!valuesEqual(keyOf(element), key)) list[kept++] = element;
  }
  list.length = kept;
}

/** The in-place `upsertByKey`: `value` replaces the first element with its key (later ones go), or is appended. */
export function upsertByKeyInPlace<T, K>(list: readonly T[], keyOf: (element: T) => K, value: T): void {
  const target = list as T[];
  const key = keyOf(value);
  const index = target.findIndex((element) => valuesEqual(keyOf(element), key));
  if (index < 0) {
    target.push(value);
    return;
  }
  target[index] = value;
  removeKeyFrom(target, keyOf, key, index + 1);
}

/** The in-place `updateByKey`. */
export function updateByKeyInPlace<T, K>(
  list: readonly T[],
  keyOf: (element: T) => K,
  key: NoInfer<K>,
  update: (element: T) => T,
  create?: () => T,
): void {
  const target = list as T[];
  const index = target.findIndex((element) => valuesEqual(keyOf(element), key));
  if (index >= 0) target[index] = update(target[index] as T);
  else if (create !== undefined) target.push(update(create()));
}

/** The in-place `removeByKey`: every element whose key is `key` goes. */
export function removeByKeyInPlace<T, K>(list: readonly T[], keyOf: (element: T) => K, key: NoInfer<K>): void {
  removeKeyFrom(list as T[], keyOf, key, 0);
}

/**
 * Sets the map's own entry at `key`, as the immutable `{ ...map, [key]: value }` does: a key
 * such as `__proto__` becomes an entry, never the object's prototype.
 */
export function setEntryInPlace<T>(map: Readonly<Record<string, T>>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else (map as Record<string, T>)[key] = value;
}

/** The in-place `updateEntry`. */
export function updateEntryInPlace<T>(
  map: Readonly<Record<string, T>>,
  key: string,
  update: (entry: T) => T,
  create?: () => T,
): void {
  const current = Object.hasOwn(map, key) ? map[key] : undefined;
  if (current !== undefined) setEntryInPlace(map, key, update(current));
  else if (create !== undefined) setEntryInPlace(map, key, update(create()));
}

/** The in-place `removeEntry`. */
export function removeEntryInPlace<T>(map: Readonly<Record<string, T>>, key: string): void {
  delete (map as Record<string, T>)[key];
}

/**
 * Immutable updates of one element of a list or map, found by key: what generated declarative
 * applies (`upsert`, `incrementAt`, `decrementAt`, `removeAt`) compile to. Each returns a new
 * list or map and never changes the one it is given. Keys compare with `valuesEqual`, so decimal,
 * date-time and bytes keys compare by value. In a list, "the element with a key" is the first
 * one with it; a list built otherwise (e.g. by `push`) may hold later ones.
 */
import { valuesEqual } from './apply-helpers.js';

/** The list with `value` in place of the first element with its key and without later ones, or with `value` appended. */
export function upsertByKey<T, K>(list: readonly T[], keyOf: (element: T) => K, value: T): T[] {
  const key = keyOf(value);
  const index = list.findIndex((element) => valuesEqual(keyOf(element), key));
  if (index < 0) return [...list, value];
  return list.flatMap((element, i) =>
    i === index ? [value] : i > index && valuesEqual(keyOf(element), key) ? [] : [element],
  );
}

/**
 * The list with `update` applied to the first element whose key is `key`. When none has it:
 * `update(create())` appended, or an unchanged copy without `create`.
 */
export function updateByKey<T, K>(
  list: readonly T[],
  keyOf: (element: T) => K,
  key: NoInfer<K>,
  update: (element: T) => T,
  create?: () => T,
): T[] {
  const index = list.findIndex((element) => valuesEqual(keyOf(element), key));
  if (index >= 0) return list.map((element, i) => (i === index ? update(element) : element));
  return create === undefined ? list.slice() : [...list, update(create())];
}

/** The list without every element whose key is `key`. */
export function removeByKey<T, K>(list: readonly T[], keyOf: (element: T) => K, key: NoInfer<K>): T[] {
  return list.filter((element) => !valuesEqual(keyOf(element), key));
}

/**
 * The map with `update` applied to the entry at `key`. When there is none: `update(create())`
 * stored at `key`, or an unchanged copy without `create`.
 */
export function updateEntry<T>(
  map: Readonly<Record<string, T>>,
  key: string,
  update: (entry: T) => T,
  create?: () => T,
): Record<string, T> {
  const current = Object.hasOwn(map, key) ? map[key] : undefined;
  if (current !== undefined) return { ...map, [key]: update(current) };
  return create === undefined ? { ...map } : { ...map, [key]: update(create()) };
}

/** The map without the entry at `key`. */
export function removeEntry<T>(map: Readonly<Record<string, T>>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k !== key));
}

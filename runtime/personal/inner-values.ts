/**
 * The personal fields inside value objects (`pii` on a field of a value object that a payload
 * field holds, not personal as a whole): each value is found by its dotted path (`address.street`,
 * the path also for every element of a list or map), so it can be encrypted, opened or redacted
 * on its own while the rest of the value object stays readable.
 */
import type { PersonalField, PersonalInner } from '../codec.js';

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value with `f` applied to each value object it holds (itself, each element, each map value). */
function eachObject(value: unknown, shape: PersonalInner['shape'], f: (o: Fields) => Fields): unknown {
  switch (shape) {
    case 'one':
      return isObject(value) ? f(value) : value;
    case 'list':
      return Array.isArray(value) ? value.map((v) => (isObject(v) ? f(v) : v)) : value;
    case 'map':
      return isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isObject(v) ? f(v) : v]))
        : value;
  }
}

/** A copy of `value` with every personal value inside replaced by `transform(value, field, path)`. */
export function mapInner(
  value: unknown,
  inner: PersonalInner,
  path: string,
  transform: (value: unknown, field: PersonalField, path: string) => unknown,
): unknown {
  return eachObject(value, inner.shape, (o) => {
    const out: Fields = { ...o };
    for (const field of inner.fields) {
      const v = out[field.name];
      if (v === undefined) continue;
      const at = `${path}.${field.name}`;
      out[field.name] = field.inner !== undefined ? mapInner(v, field.inner, at, transform) : transform(v, field, at);
    }
    return out;
  });
}

/** The paths of the personal values inside `value` that pass `test`. */
export function innerPaths(
  value: unknown,
  inner: PersonalInner,
  path: string,
  test: (value: unknown) => boolean,
): string[] {
  const found: string[] = [];
  mapInner(value, inner, path, (v, _field, at) => {
    if (test(v) && !found.includes(at)) found.push(at);
    return v;
  });
  return found;
}

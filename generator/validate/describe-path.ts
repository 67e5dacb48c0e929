/**
 * Turns a path into the document (as ajv reports it) into domain words:
 * `/aggregates/Dog/events/Registered/fields/name` → `field "name" of event Dog.Registered`.
 */

/** What the node at `path` is, e.g. `event Dog.Registered`, `state of Dog`, `` `creates` of event Dog.Registered``. */
export function describePath(path: readonly string[]): string {
  if (path.length === 1 && path[0] === 'domain') return 'domain name';
  const { label, consumed } = entity(path);
  const rest = path.slice(consumed);
  if (rest.length === 0) return label;
  return `\`${rest.join('.')}\` of ${label}`;
}

/** What kind of map the node at `path` is, for `required` errors (`event Dog.Registered`). */
function entity(path: readonly string[]): { label: string; consumed: number } {
  let label = 'the schema';
  let consumed = 0;
  const at = (i: number): string | undefined => path[i];
  if (at(0) === 'types' && at(1) !== undefined) {
    const name = at(1) ?? '';
    label = `type "${name}"`;
    consumed = 2;
    if (at(2) === 'fields' && at(3) !== undefined)
      return { label: `field "${at(3)}" of value object ${name}`, consumed: 4 };
    if (at(2) === 'enum' && at(3) !== undefined)
      return { label: `value ${Number(at(3)) + 1} of enum ${name}`, consumed: 4 };
    return { label, consumed };
  }
  if (at(0) === 'aggregates' && at(1) !== undefined) {
    const aggregate = at(1) ?? '';
    label = `aggregate "${aggregate}"`;
    consumed = 2;
    if (at(2) === 'snapshot') return { label: `the snapshot policy of aggregate ${aggregate}`, consumed: 3 };
    if (at(2) === 'state') return payload(path, 3, `the state of ${aggregate}`, `the state of ${aggregate}`);
    if (at(2) === 'events' && at(3) !== undefined) {
      const event = `${aggregate}.${at(3) ?? ''}`;
      const inner = payload(path, 4, `event ${event}`, `event ${event}`);
      if (inner.consumed > 4) return inner;
      if (at(4) === 'apply') {
        if (at(5) !== undefined && at(6) !== undefined)
          return { label: `\`${at(5)}: ${at(6)}\` in the apply of event ${event}`, consumed: 7 };
        if (at(5) !== undefined) return { label: `\`${at(5)}\` in the apply of event ${event}`, consumed: 6 };
        return { label: `the apply of event ${event}`, consumed: 5 };
      }
      return inner;
    }
  }
  return { label, consumed };
}

/** `fields` and `history` of a payload (state or event) starting at `start`. */
function payload(
  path: readonly string[],
  start: number,
  label: string,
  owner: string,
): { label: string; consumed: number } {
  const at = (i: number): string | undefined => path[i];
  if (at(start) === 'fields' && at(start + 1) !== undefined) {
    return { label: `field "${at(start + 1)}" of ${owner}`, consumed: start + 2 };
  }
  if (at(start) === 'history' && at(start + 1) !== undefined) {
    const version = `version ${at(start + 1)} of ${owner}`;
    if (at(start + 2) === 'fields' && at(start + 3) !== undefined) {
      return { label: `field "${at(start + 3)}" of ${version}`, consumed: start + 4 };
    }
    if (at(start + 2) === 'upcast' && at(start + 3) !== undefined) {
      return { label: `the upcast of "${at(start + 3)}" under ${version}`, consumed: start + 4 };
    }
    return { label: version, consumed: start + 2 };
  }
  return { label, consumed: start };
}

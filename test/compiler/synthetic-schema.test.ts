/** The benchmark's synthetic domain is valid and exercises versions, renames and applies. */
import { describe, expect, it } from 'vitest';
import { syntheticSchema } from '../../bench/synthetic-schema.js';
import { compile, formatDiagnostic } from '../../generator/index.js';

describe('bench/synthetic-schema', () => {
  it('generates a valid domain of the requested shape, deterministically', () => {
    const shape = { aggregates: 12, events: 6, versions: 3 };
    const text = syntheticSchema(shape);
    expect(syntheticSchema(shape)).toBe(text);
    const result = compile({ sources: [{ path: 'synthetic.domain.yaml', text }], skipEmit: true });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    const aggregates = result.project?.domains[0]?.aggregates ?? [];
    expect(aggregates).toHaveLength(12);
    const events = aggregates.flatMap((a) => a.events);
    expect(events).toHaveLength(72);
    expect(events.every((e) => e.version === 3 && e.versions.length === 3)).toBe(true);
    const ops = new Set(events.flatMap((e) => e.versions.flatMap((v) => v.upcast?.ops.map((op) => op.kind) ?? [])));
    expect([...ops].sort()).toEqual(['add', 'drop', 'keep', 'rename']);
    expect(new Set(events.map((e) => e.apply.kind))).toEqual(new Set(['declarative', 'custom']));
  });
});

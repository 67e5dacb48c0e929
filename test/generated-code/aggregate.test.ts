/**
 * Behaviour of a generated aggregate base class (Kitchen's SinkBase) through a hand-written
 * subclass, as application code uses it: creation factory, triggers with validation and
 * defaults, declarative applies, the custom handler, discarding and replay.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { AggregateDiscardedError, EventforgeError, ValidationError } from '../../runtime/index.js';
import { SinkBase, everythingCodec, sinkStateCodec } from '../fixtures/golden/kitchen/expected/kitchen/index.js';
import type {
  EverythingInput,
  Price,
  SinkEvent,
  SinkState,
  Priced,
  Tag,
} from '../fixtures/golden/kitchen/expected/kitchen/index.js';

class Sink extends SinkBase {
  static install(name: string): Sink {
    return this.create({ name }, { id: 'sink-1', timestamp: new Date('2025-01-01T00:00:00Z') });
  }
  label(label: string): void {
    this.triggerLabelled({ label });
  }
  unlabel(label: string): void {
    this.triggerUnlabelled({ label });
  }
  addTag(tag: Tag): void {
    this.triggerTagAdded({ tag });
  }
  removeTag(tag: Tag): void {
    this.triggerTagRemoved({ tag });
  }
  record(input: EverythingInput): void {
    this.triggerEverything(input);
  }
  price(key: string, price: Price): void {
    this.triggerPriced({ key, price });
  }
  paint(): void {
    this.triggerPainted();
  }
  remove(): void {
    this.triggerRemoved();
  }
  protected applyPriced(state: SinkState, event: Priced): SinkState {
    return { ...state, prices: { ...state.prices, [event.data.key]: event.data.price } };
  }
}

const everything: EverythingInput = {
  amounts: {},
  at: new Date('2025-01-02T03:04:05.678Z'),
  bigint: 5n,
  blob: new Uint8Array([1]),
  colours: [],
  day: '2025-01-02',
  decimal: new Decimal('0.1'),
  doc: null,
  float: 1.5,
  grid: [],
  id: '00000000-0000-4000-8000-000000000000',
  int: 3,
  price: { amount: new Decimal('1'), colour: 'red' },
  tags: [],
  text: 'hello',
};

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('generated aggregate base class', () => {
  it('creates through the static factory: id, version, timestamps, initial state with defaults', () => {
    const sink = Sink.install('kitchen');
    expect([sink.id, sink.version, sink.createdOn.toISOString()]).toEqual(['sink-1', 1, '2025-01-01T00:00:00.000Z']);
    expect([sink.name, sink.count, sink.total.toString(), sink.big, sink.labels, sink.tags, sink.prices]).toEqual([
      'kitchen',
      0,
      '0',
      0n,
      [],
      [],
      {},
    ]);
    expect(sink.colour).toBeUndefined();
    expect(sink.pendingEvents.map((e) => [e.type, e.originatorVersion, e.data])).toEqual([
      ['Installed', 1, { name: 'kitchen' }],
    ]);
    const other = Sink.create({ name: 'other', colour: 'green' });
    expect(other.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(other.colour).toBe('green');
  });

  it('refuses an invalid creation payload with every violation, and creates nothing', () => {
    const error = validationError(() => Sink.create({ name: 'NOT lowercase and far too long' }));
    expect(error.topic).toBe('Kitchen.Sink.Installed');
    expect(error.issues).toEqual([
      { path: 'name', message: 'must match pattern "^[a-z]+$"' },
      { path: 'name', message: 'must have at most 20 characters' },
    ]);
  });

  it('refuses an invalid trigger listing every violation with its path, and queues nothing', () => {
    const sink = Sink.install('kitchen');
    const error = validationError(() =>
      sink.record({
        ...everything,
        text: 'x'.repeat(51),
        int: 0,
        decimal: new Decimal('0.001'),
        tags: [{ label: '' }, { label: 'a' }, { label: 'b' }, { label: 'c' }, { label: 'd' }, { label: 'e' }],
      }),
    );
    expect(error.issues).toEqual([
      { path: 'decimal', message: 'must be >= 0.01' },
      { path: 'int', message: 'must be >= 1' },
      { path: 'tags', message: 'must have at most 5 items' },
      { path: 'tags[0].label', message: 'must have at least 1 character' },
      { path: 'text', message: 'must have at most 50 characters' },
    ]);
    expect(error.message).toContain('invalid Kitchen.Sink.Everything: decimal must be >= 0.01; int must be >= 1;');
    expect(sink.version).toBe(1);
    expect(sink.pendingEvents).toHaveLength(1);
  });

  it('counts string length in code points, as JSON Schema does', () => {
    const sink = Sink.install('kitchen');
    sink.addTag({ label: '🐕'.repeat(10) });
    expect(() => sink.addTag({ label: '🐕'.repeat(11) })).toThrow(/tag\.label must have at most 10 characters/);
  });

  it('fills defaults and applies declarative increments on int, decimal and bigint', () => {
    const sink = Sink.install('kitchen');
    sink.record(everything);
    sink.record({ ...everything, decimal: new Decimal('0.2'), bigint: 7n, flag: false });
    const events = sink.pendingEvents.filter((e) => e.type === 'Everything');
    expect(events.map((e) => e.data.flag)).toEqual([true, false]);
    expect(events.every((e) => !('note' in e.data))).toBe(true);
    expect(sink.count).toBe(6);
    expect(sink.total.toString()).toBe('0.3');
    expect(sink.big).toBe(-12n);
  });

  it('pushes, removes the first equal element (deep equality for value objects), sets constants', () => {
    const sink = Sink.install('kitchen');
    for (const l of ['a', 'b', 'a']) sink.label(l);
    sink.unlabel('a');
    sink.unlabel('zzz');
    expect(sink.labels).toEqual(['b', 'a']);
    expect(sink.count).toBe(3);
    sink.addTag({ label: 't', price: { amount: new Decimal('1.50'), colour: 'red' } });
    sink.addTag({ label: 't' });
    sink.removeTag({ label: 't', price: { amount: new Decimal('1.5'), colour: 'red' } });
    expect(sink.tags).toEqual([{ label: 't' }]);
    sink.paint();
    expect(sink.colour).toBe('blue');
  });

  it('dispatches custom applies to the hand-written handler', () => {
    const sink = Sink.install('kitchen');
    sink.price('small', { amount: new Decimal('2'), colour: 'green' });
    expect(sink.prices['small']?.amount.toString()).toBe('2');
  });

  it('discards: afterwards no event is accepted', () => {
    const sink = Sink.install('kitchen');
    sink.remove();
    expect(sink.isDiscarded).toBe(true);
    expect(() => sink.label('x')).toThrow(AggregateDiscardedError);
  });

  it('replays its events (also after a trip through the codecs) to the same state', () => {
    const sink = Sink.install('kitchen');
    sink.label('a');
    sink.record(everything);
    sink.addTag({ label: 'x' });
    sink.price('p', { amount: new Decimal('3'), colour: 'blue' });
    const replayed = new Sink();
    for (const event of sink.pendingEvents) {
      const copy: SinkEvent =
        event.type === 'Everything'
          ? {
              ...event,
              data: everythingCodec.decode(JSON.parse(JSON.stringify(everythingCodec.encode(event.data))), 1),
            }
          : event;
      replayed.applyEvent(copy);
    }
    expect(replayed.takeSnapshot()).toStrictEqual(sink.takeSnapshot());
    const state = sink.takeSnapshot().state;
    expect(sinkStateCodec.decode(JSON.parse(JSON.stringify(sinkStateCodec.encode(state))), 1)).toStrictEqual(state);
  });

  it('refuses events out of order: a non-creation event first, or a second creation event', () => {
    const sink = Sink.install('kitchen');
    const labelled = {
      type: 'Labelled',
      originatorId: 'sink-2',
      originatorVersion: 1,
      timestamp: new Date(),
      data: { label: 'x' },
    } as const;
    expect(() => new Sink().applyEvent(labelled)).toThrow(EventforgeError);
    expect(() => new Sink().applyEvent(labelled)).toThrow(
      /Labelled cannot apply before the aggregate's creation event/,
    );
    const again = { ...sink.pendingEvents[0]!, originatorVersion: 2 } as SinkEvent;
    expect(() => sink.applyEvent(again)).toThrow(
      /creation event Installed cannot apply to an aggregate that already exists/,
    );
  });
});

describe('payloads from outside TypeScript', () => {
  it('refuses a value its codec cannot encode (untyped caller) as a ValidationError, queuing nothing', () => {
    const sink = Sink.install('kitchen');
    const untyped = { ...everything, decimal: undefined } as unknown as EverythingInput;
    const error = validationError(() => sink.record(untyped));
    expect(error.topic).toBe('Kitchen.Sink.Everything');
    expect(error.issues[0]?.message).toMatch(/^does not fit its declared types \(/);
    expect(validationError(() => sink.record({ ...everything, at: new Date('nonsense') })).issues[0]?.message).toMatch(
      /Invalid time value/,
    );
    expect(sink.pendingEvents).toHaveLength(1);
  });

  it('refuses a missing required field and a wrong type that encode lets through, with their paths', () => {
    const sink = Sink.install('kitchen');
    const error = validationError(() =>
      sink.record({ ...everything, text: undefined, int: '3' } as unknown as EverythingInput),
    );
    expect(error.issues).toEqual([
      { path: 'text', message: 'is required' },
      { path: 'int', message: 'must be an integer' },
    ]);
  });
});

describe('ready class (no abstract handlers)', () => {
  it('is usable without hand-written code: public triggers, declarative applies, discarding', async () => {
    const { Example } = await import('../../generated/worked-example/index.js');
    const example = Example.create({ foo: 'bar' }, { id: 'example-1' });
    example.triggerFooChanged({ foo: 'baz' });
    expect([example.foo, example.version]).toEqual(['baz', 2]);
    example.triggerDiscarded();
    expect(example.isDiscarded).toBe(true);
    expect(example.pendingEvents.map((e) => e.type)).toEqual(['Created', 'FooChanged', 'Discarded']);
    expect(() => example.triggerFooChanged({ foo: 'late' })).toThrow(AggregateDiscardedError);
  });
});

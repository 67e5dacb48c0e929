import { describe, expect, it } from 'vitest';
import { ConfigurationError, UnknownTopicError } from '../../runtime/errors.js';
import { TopicRegistry } from '../../runtime/topics.js';
import { dogDescriptor, dogDescriptorV1, kennelDomain, ownerDescriptor } from './fixtures/kennel.js';

describe('TopicRegistry', () => {
  it('resolves event and snapshot topics of the registered domains', () => {
    const topics = new TopicRegistry([kennelDomain]);
    expect(topics.event('Kennel.Dog.TrickAdded').aggregate).toBe(dogDescriptor);
    expect(topics.event('Kennel.Dog.TrickAdded').event.type).toBe('TrickAdded');
    expect(topics.event('Kennel.Owner.Registered').aggregate).toBe(ownerDescriptor);
    expect(topics.snapshot('Kennel.Owner')).toBe(ownerDescriptor);
    expect(topics.eventOfType(dogDescriptor, 'Renamed').topic).toBe('Kennel.Dog.Renamed');
    expect(topics.aggregatesNamed('Dog')).toEqual([dogDescriptor]);
    expect(topics.aggregatesNamed('Kennel.Owner')).toEqual([ownerDescriptor]);
    expect(topics.aggregatesNamed('Cat')).toEqual([]);
  });

  it('refuses unknown topics with UnknownTopicError naming stream and version', () => {
    const topics = new TopicRegistry([kennelDomain]);
    expect(() => topics.event('Kennel.Cat.Meowed', 'cat-1', 3)).toThrow(UnknownTopicError);
    expect(() => topics.event('Kennel.Cat.Meowed', 'cat-1', 3)).toThrow(
      'unknown topic Kennel.Cat.Meowed (stream cat-1, version 3)',
    );
    expect(() => topics.snapshot('Kennel.Dog.Registered')).toThrow(UnknownTopicError);
  });

  it('an event type the aggregate does not declare is an error listing the known ones', () => {
    const topics = new TopicRegistry([kennelDomain]);
    expect(() => topics.eventOfType(dogDescriptor, 'Barked')).toThrow(
      'Kennel.Dog declares no event Barked; known: Registered, Renamed, Retired, TrickAdded',
    );
  });

  it('registering a descriptor twice is harmless; two descriptors with one topic are refused', () => {
    const topics = new TopicRegistry([kennelDomain, kennelDomain]);
    topics.register(dogDescriptor);
    expect(topics.aggregates()).toHaveLength(2);
    expect(() => topics.register(dogDescriptorV1)).toThrow(ConfigurationError);
    expect(() => topics.register(dogDescriptorV1)).toThrow(
      /two different aggregate descriptors use the topic Kennel\.Dog/,
    );
    const clash = { ...ownerDescriptor, topic: 'Kennel.Cat', name: 'Cat' };
    expect(() => topics.register(clash)).toThrow(
      /event topic Kennel\.Owner\.DogAdopted is declared by both Kennel\.Owner and Kennel\.Cat/,
    );
    // A refused descriptor leaves no trace, even when only a later event clashes.
    const late = {
      ...clash,
      events: [{ ...ownerDescriptor.events[1]!, topic: 'Kennel.Cat.Adopted' }, ownerDescriptor.events[1]!],
    };
    expect(() => topics.register(late)).toThrow(ConfigurationError);
    expect(() => topics.event('Kennel.Cat.Adopted')).toThrow(UnknownTopicError);
    expect(() => topics.snapshot('Kennel.Cat')).toThrow(UnknownTopicError);
  });
});

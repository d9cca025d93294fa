import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../event-store/index.js';
import { groupChanges } from './group-changes.js';

const A = '0b7c1e2a-0000-4000-8000-00000000000a';
const B = '0b7c1e2a-0000-4000-8000-00000000000b';
let position = 0;

/** An event of a stretch of the log; the time is its position in seconds, to tell them apart. */
const event = (streamId: string, streamVersion: number, type: string): RecordedEvent => {
  position++;
  return {
    globalPosition: position,
    transactionId: String(100 + position),
    streamId,
    streamVersion,
    type,
    schemaVersion: 1,
    data: {},
    metadata: {},
    recordedAt: new Date(position * 1000),
  };
};

describe('groupChanges', () => {
  it('gives one entry per incident, in the order each first appears, with its versions and event types', () => {
    const events = [
      event(`incident-${A}`, 3, 'incident.corrected'),
      event(`incident-${B}`, 1, 'incident.recorded'),
      event(`incident-${A}`, 4, 'incident.corrected'),
      event(`incident-${A}`, 5, 'incident.verified'),
    ];
    expect(groupChanges(events)).toEqual([
      {
        incidentId: A,
        change: 'changed',
        fromVersion: 3,
        version: 5,
        eventTypes: ['incident.corrected', 'incident.verified'],
        changedAt: events[3]!.recordedAt,
      },
      { incidentId: B, change: 'recorded', fromVersion: 1, version: 1, eventTypes: ['incident.recorded'], changedAt: events[1]!.recordedAt },
    ]);
  });

  it('calls an incident recorded when its first event is in the stretch, whatever else happened to it', () => {
    const [entry] = groupChanges([event(`incident-${A}`, 1, 'incident.recorded'), event(`incident-${A}`, 2, 'incident.disputed')]);
    expect(entry).toMatchObject({ change: 'recorded', fromVersion: 1, version: 2 });
  });

  it('calls an incident retracted when the stretch retracts it, even one recorded in the same stretch', () => {
    expect(groupChanges([event(`incident-${A}`, 4, 'incident.retracted')])).toMatchObject([{ change: 'retracted' }]);
    expect(groupChanges([event(`incident-${B}`, 1, 'incident.recorded'), event(`incident-${B}`, 2, 'incident.retracted')])).toMatchObject([
      { change: 'retracted', fromVersion: 1, version: 2, eventTypes: ['incident.recorded', 'incident.retracted'] },
    ]);
  });

  it('leaves out every stream that is not an incident', () => {
    expect(groupChanges([event(`actor-${A}`, 1, 'actor.registered'), event('audit-test-x', 1, 'incident.recorded')])).toEqual([]);
  });

  it('calls an incident retracted when it was, whatever its stream holds after the retraction', () => {
    const events = [
      event(`incident-${A}`, 1, 'incident.recorded'),
      event(`incident-${A}`, 2, 'incident.retracted'),
      event(`incident-${A}`, 3, 'incident.annotated-by-a-newer-writer'),
    ];
    expect(groupChanges(events).map((entry) => entry.change)).toEqual(['retracted']);
  });
});

/**
 * The PostgreSQL recorder's NOTIFY after saves (runtime/sql/postgres-saves.ts): the first commit
 * after a quiet spell is announced at once, a burst shares one trailing NOTIFY, and closing
 * sends what is scheduled instead of dropping it. The wake-ups themselves, through a real
 * server, are tested by the subscription and projection tests.
 */
import { describe, expect, it } from 'vitest';
import { CommitNotifier } from '../../runtime/sql/postgres-saves.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function counting(intervalMs: number) {
  const sent: number[] = [];
  const notifier = new CommitNotifier(async () => {
    sent.push(performance.now());
    await sleep(1);
  }, intervalMs);
  return { sent, notifier };
}

describe('CommitNotifier', () => {
  it('announces the first commit at once and a burst after it with one more NOTIFY', async () => {
    const { sent, notifier } = counting(20);
    notifier.committed();
    expect(sent).toHaveLength(1);
    for (let i = 0; i < 100; i++) notifier.committed();
    await sleep(60);
    expect(sent).toHaveLength(2);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(19);
  });

  it('announces a commit after a quiet spell at once', async () => {
    const { sent, notifier } = counting(5);
    notifier.committed();
    await sleep(30);
    notifier.committed();
    expect(sent).toHaveLength(2);
    await notifier.settled();
    expect(sent).toHaveLength(2);
  });

  it('sends a scheduled NOTIFY when settled, without waiting out the interval', async () => {
    const { sent, notifier } = counting(60_000);
    notifier.committed();
    notifier.committed();
    await notifier.settled();
    expect(sent).toHaveLength(2);
  });

  it('keeps going after a failed send: listeners also poll, so it is dropped', async () => {
    let calls = 0;
    const notifier = new CommitNotifier(async () => {
      calls++;
      throw new Error('connection lost');
    }, 1);
    notifier.committed();
    await notifier.settled();
    notifier.committed();
    await notifier.settled();
    expect(calls).toBe(2);
  });
});

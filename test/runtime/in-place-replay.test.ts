/**
 * `Aggregate.replay` (what a load does) applies declarative events to one draft in place and
 * custom handlers through `mutate`: the state it rebuilds is the one event-by-event application
 * rebuilds, and it never changes a list a custom handler's state shares with anything else.
 */
import { describe, expect, it } from 'vitest';
import { AccountBase } from '../../generated/bank/aggregates.js';
import type { AccountState, TransferReceived, TransferSent, Withdrawn } from '../../generated/bank/types.js';
import { Decimal } from '../versioning/support/bank-account.js';

/** Tags a withdrawal resets to: one list every reset state shares. */
const NO_TAGS: string[] = [];

class ResettingAccount extends AccountBase {
  deposit(amount: string): void {
    this.triggerDeposited({
      amount: new Decimal(amount),
      reference: 'pay',
      transactionId: '00000000-0000-4000-8000-000000000001',
      occurredAt: new Date(Date.UTC(2024, 0, 1)),
    });
  }
  withdraw(amount: string): void {
    this.triggerWithdrawn({ amount: new Decimal(amount) });
  }
  tag(tag: string): void {
    this.triggerTagged({ tag });
  }
  setLimit(name: string, value: string): void {
    this.triggerLimitSet({ name, value: new Decimal(value) });
  }
  get snapshotState(): AccountState {
    return this.takeSnapshot().state;
  }
  protected applyWithdrawn(state: AccountState, event: Withdrawn): AccountState {
    return { ...state, balance: state.balance.minus(event.data.amount), tags: NO_TAGS };
  }
  protected applyTransferSent(state: AccountState, _event: TransferSent): AccountState {
    return state;
  }
  protected applyTransferReceived(state: AccountState, _event: TransferReceived): AccountState {
    return state;
  }
}

const render = (state: AccountState): string =>
  JSON.stringify(state, (_, value: unknown) => (Decimal.isDecimal(value) ? `decimal:${value.toFixed()}` : value));

function history(): ResettingAccount {
  const account = ResettingAccount.create({
    owner: 'Ada Lovelace',
    email: 'ada@example.com',
    currency: 'EUR',
    openedOn: '2024-01-31',
  });
  account.deposit('10.50');
  account.tag('a');
  account.setLimit('daily', '100');
  account.withdraw('1.25');
  account.tag('b');
  account.setLimit('weekly', '500');
  account.withdraw('0.25');
  account.tag('c');
  account.deposit('3');
  return account;
}

describe('Aggregate.replay', () => {
  it('rebuilds what applying the events one by one rebuilds, custom handlers in between', () => {
    const account = history();
    const stepwise = new ResettingAccount();
    for (const event of account.pendingEvents) stepwise.applyEvent(event);
    const replayed = new ResettingAccount();
    replayed.replay(account.pendingEvents);
    expect(render(replayed.snapshotState)).toBe(render(stepwise.snapshotState));
    expect(replayed.snapshotState.tags).toEqual(['c']);
    expect(replayed.version).toBe(account.version);
    expect(replayed.modifiedOn).toEqual(account.modifiedOn);
  });

  it("copies a custom handler's state before changing it in place: the list it shares stays empty", () => {
    const replayed = new ResettingAccount();
    replayed.replay(history().pendingEvents);
    expect(NO_TAGS).toEqual([]);
  });

  it('refuses an event out of sequence, as applyEvent does', () => {
    const events = history().pendingEvents;
    expect(() => new ResettingAccount().replay([events[0]!, events[2]!])).toThrow(
      /event version 3 does not follow version 1/,
    );
  });
});

/**
 * The hand-written Account of the Bank domain for the versioning tests and bench: the generated
 * base class plus the handlers of its `apply: custom` events and the commands the tests call.
 */
import { Decimal } from 'decimal.js';
import { AccountBase } from '../../../generated/bank/aggregates.js';
import type {
  AccountState,
  DepositedInput,
  TransferReceived,
  TransferSent,
  Withdrawn,
} from '../../../generated/bank/types.js';

export class BankAccount extends AccountBase {
  deposit(input: DepositedInput): void {
    this.triggerDeposited(input);
  }

  tag(tag: string): void {
    this.triggerTagged({ tag });
  }

  setLimit(name: string, value: Decimal): void {
    this.triggerLimitSet({ name, value });
  }

  removeLimit(name: string): void {
    this.triggerLimitRemoved({ name });
  }

  protected applyWithdrawn(state: AccountState, event: Withdrawn): AccountState {
    return { ...state, balance: state.balance.minus(event.data.amount), transactionCount: state.transactionCount + 1 };
  }

  protected applyTransferSent(state: AccountState, event: TransferSent): AccountState {
    return { ...state, balance: state.balance.minus(event.data.amount.amount) };
  }

  protected applyTransferReceived(state: AccountState, event: TransferReceived): AccountState {
    return { ...state, balance: state.balance.plus(event.data.amount.amount) };
  }
}

/** `Decimal` re-exported so callers build amounts with the same class the generated code uses. */
export { Decimal };

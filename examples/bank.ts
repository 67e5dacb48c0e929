/**
 * The Bank example (schemas/bank.domain.yaml): accounts take deposits, withdrawals and fees, and
 * the view CustomerBalances (each customer's total per currency) is kept by a hand-written
 * projection: the generated base class names one typed method per consumed event, and the
 * handler writes a table of its own (which account belongs to whom) in the same transaction.
 */
import {
  isRedacted,
  Application,
  Decimal,
  type ApplicationOptions,
  type LoggedEvent,
  type ViewStore,
  type ViewTransaction,
} from 'eventforge/runtime';
import {
  AccountBase,
  CustomerBalancesProjectionBase,
  bankDomain,
  type AccountState,
  type CustomerBalancesKey,
  type CustomerBalancesRow,
  type Currency,
  type Deposited,
  type FeeCharged,
  type InterestApplied,
  type Opened,
  type TransferReceived,
  type TransferSent,
  type Withdrawn,
} from '../generated/bank/index.js';

/** An account: the commands, and the state changes of the `apply: custom` events. */
export class Account extends AccountBase {
  deposit(amount: Decimal, transactionId: string): void {
    this.triggerDeposited({ amount, transactionId });
  }

  withdraw(amount: Decimal): void {
    this.triggerWithdrawn({ amount });
  }

  chargeFee(amount: Decimal, reason: string): void {
    this.triggerFeeCharged({ amount, reason });
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

export class Bank extends Application {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [bankDomain] });
  }

  readonly accounts = this.repository(Account);

  async open(owner: string, currency: Currency): Promise<string> {
    const account = Account.create({
      owner,
      email: `${owner.toLowerCase()}@example.com`,
      currency,
      openedOn: '2026-01-01',
    });
    await this.save(account);
    return account.id;
  }

  async deposit(accountId: string, amount: string): Promise<void> {
    const account = await this.accounts.get(accountId);
    account.deposit(new Decimal(amount), crypto.randomUUID());
    await this.save(account);
  }

  async withdraw(accountId: string, amount: string): Promise<void> {
    const account = await this.accounts.get(accountId);
    account.withdraw(new Decimal(amount));
    await this.save(account);
  }

  async chargeFee(accountId: string, amount: string, reason: string): Promise<void> {
    const account = await this.accounts.get(accountId);
    account.chargeFee(new Decimal(amount), reason);
    await this.save(account);
  }
}

/**
 * Keeps CustomerBalances. Deposits name only the account, so the handler remembers each
 * account's owner and currency: in its own table `customer_balance_accounts`, written through
 * `tx` (the runner's transaction: it commits or rolls back with the view's rows and the
 * tracking position) on SQL stores, in memory on the memory store.
 */
/** Where the balances of forgotten customers are counted (the owner is personal data). */
export const FORGOTTEN_OWNER = '[forgotten]';

export class CustomerBalancesProjection extends CustomerBalancesProjectionBase {
  readonly #owners = new Map<string, CustomerBalancesKey>();
  #ownTableReady = false;

  override async process(events: readonly LoggedEvent[], tx: ViewTransaction): Promise<void> {
    if (tx.provider !== 'memory' && !this.#ownTableReady) {
      await tx.execute(
        'CREATE TABLE IF NOT EXISTS customer_balance_accounts (account_id TEXT PRIMARY KEY, owner TEXT NOT NULL, currency TEXT NOT NULL)',
      );
      tx.onCommit(() => {
        this.#ownTableReady = true;
      });
    }
    await super.process(events, tx);
  }

  override async reset(tx: ViewTransaction): Promise<void> {
    if (tx.provider === 'memory') tx.onCommit(() => this.#owners.clear());
    else await tx.execute('DROP TABLE IF EXISTS customer_balance_accounts');
    this.#ownTableReady = false;
    await super.reset(tx);
  }

  protected async onOpened(event: Opened, view: Balances, tx: ViewTransaction): Promise<void> {
    // The owner is personal data: once the customer is forgotten their accounts count under a placeholder.
    const owner = isRedacted(event.data.owner) ? FORGOTTEN_OWNER : event.data.owner;
    const key = { owner, currency: event.data.currency };
    // In memory an owner noted by a batch that then rolls back is harmless: its replay notes the same.
    if (tx.provider === 'memory') this.#owners.set(event.originatorId, key);
    else
      await tx.execute(
        `INSERT INTO customer_balance_accounts (account_id, owner, currency) VALUES (${params(tx, 3)})`,
        [event.originatorId, key.owner, key.currency],
      );
    await view.upsert(key);
    await view.increment(key, { accounts: 1 });
  }

  protected onDeposited(event: Deposited, view: Balances, tx: ViewTransaction): Promise<void> {
    return this.change(event.originatorId, event.data.amount, view, tx);
  }

  protected onInterestApplied(event: InterestApplied, view: Balances, tx: ViewTransaction): Promise<void> {
    return this.change(event.originatorId, event.data.amount, view, tx);
  }

  protected onWithdrawn(event: Withdrawn, view: Balances, tx: ViewTransaction): Promise<void> {
    return this.change(event.originatorId, event.data.amount.negated(), view, tx);
  }

  protected onFeeCharged(event: FeeCharged, view: Balances, tx: ViewTransaction): Promise<void> {
    return this.change(event.originatorId, event.data.amount.negated(), view, tx);
  }

  /** Adds `amount` to the balance of the account's owner in its currency. */
  protected async change(accountId: string, amount: Decimal, view: Balances, tx: ViewTransaction): Promise<void> {
    const key = await this.#ownerOf(accountId, tx);
    await view.increment(key, { balance: amount });
  }

  async #ownerOf(accountId: string, tx: ViewTransaction): Promise<CustomerBalancesKey> {
    const known =
      tx.provider === 'memory'
        ? this.#owners.get(accountId)
        : (
            await tx.query(
              `SELECT owner, currency FROM customer_balance_accounts WHERE account_id = ${params(tx, 1)}`,
              [accountId],
            )
          ).map((r) => ({ owner: String(r['owner']), currency: r['currency'] as Currency }))[0];
    if (known === undefined) throw new Error(`account ${accountId} was never opened`);
    return known;
  }
}

type Balances = ViewStore<CustomerBalancesRow, CustomerBalancesKey>;

/** `?, ?, ?` on SQLite, `$1, $2, $3` on PostgreSQL. */
function params(tx: ViewTransaction, count: number): string {
  return Array.from({ length: count }, (_, i) => (tx.provider === 'postgresql' ? `$${i + 1}` : '?')).join(', ');
}

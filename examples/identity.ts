/**
 * Protean's event-sourced `User` (schemas/identity.domain.yaml): registration with a required,
 * checked email and a first name of at most 50 characters; a snapshot every 10 events; and
 * optimistic concurrency, where a stale copy of a user cannot overwrite a newer one.
 *
 * Email and first name are personal data: with `EVENTFORGE_MASTER_KEY` set they are stored
 * encrypted with the user's own data key, and `forgetUser` deletes that key (docs/personal-data.md).
 * The user directory is a view built from the log; forgetting scrubs its row through `onForget`.
 */
import { Application, isRedacted, type ApplicationOptions } from 'eventforge/runtime';
import { UserBase, identityDomain } from '../generated/identity/index.js';

/** A user; the constraints are the schema's, enforced by the generated validators. */
export class User extends UserBase {
  /** Registers a user (Protean's `User.register`). */
  static register(email: string, firstName?: string, joinedOn?: string): User {
    return User.create({
      email,
      ...(firstName === undefined ? {} : { firstName }),
      ...(joinedOn === undefined ? {} : { joinedOn }),
    });
  }

  /** Changes the first name (at most 50 characters: a longer one raises `ValidationError`). */
  changeFirstName(firstName: string): void {
    this.triggerFirstNameChanged({ firstName });
  }

  /** Changes the email address (checked like the one given at registration). */
  changeEmail(email: string): void {
    this.triggerEmailChanged({ email });
  }
}

/** One row of the user directory: what the log says of a user, personal fields as they read now. */
export interface DirectoryRow {
  readonly email: string;
  readonly firstName: string;
}

/**
 * A view of every user, built from the application's log (as a projection would). Personal
 * fields of forgotten users read as redacted in the log, and rows it built before are scrubbed.
 */
export class UserDirectory {
  readonly rows = new Map<string, DirectoryRow>();
  #position = 0n;

  /** Applies the log from where it stopped. */
  async catchUp(app: Identity): Promise<void> {
    for await (const { id, event } of app.log.readAll(this.#position + 1n)) {
      const current = this.rows.get(event.originatorId) ?? { email: '', firstName: '' };
      const data = event.data as { email?: unknown; firstName?: unknown };
      this.rows.set(event.originatorId, {
        email: data.email === undefined ? current.email : shown(data.email),
        firstName: data.firstName === undefined ? current.firstName : shown(data.firstName),
      });
      this.#position = id;
    }
  }

  /** The `onForget` hook: the row keeps the user, without their personal data. */
  scrub(userId: string): void {
    if (this.rows.has(userId)) this.rows.set(userId, { email: '[redacted]', firstName: '' });
  }
}

function shown(value: unknown): string {
  return isRedacted(value) ? '[redacted]' : String(value);
}

/** The identity application: Protean's `repository_for(User)` is `this.users`. */
export class Identity extends Application {
  constructor(options: ApplicationOptions = {}, directory?: UserDirectory) {
    super({
      ...options,
      domains: [identityDomain],
      onForget: async (subject) => {
        directory?.scrub(subject);
        await options.onForget?.(subject);
      },
    });
  }

  readonly users = this.repository(User);

  /** Forgets a user (a data subject's erasure request): their personal data is unreadable from now on. */
  async forgetUser(userId: string): Promise<boolean> {
    return this.forget(userId);
  }

  /** Registers a user and returns the id. */
  async register(email: string, firstName?: string): Promise<string> {
    const user = User.register(email, firstName);
    await this.save(user);
    return user.id;
  }

  /** Renames a user; a stale copy elsewhere will then fail to save with `ConcurrencyError`. */
  async rename(userId: string, firstName: string): Promise<void> {
    const user = await this.users.get(userId);
    user.changeFirstName(firstName);
    await this.save(user);
  }
}

/**
 * Protean's event-sourced `User` (schemas/identity.domain.yaml): registration with a required,
 * checked email and a first name of at most 50 characters; a snapshot every 10 events; and
 * optimistic concurrency, where a stale copy of a user cannot overwrite a newer one.
 *
 * Email and first name are personal data: with `EVENTFORGE_MASTER_KEY` set they are stored
 * encrypted with the user's own data key, and `forgetUser` deletes that key (docs/personal-data.md).
 * The user directory is a view declared in the schema (`UserDirectory`): the compiler knows its
 * email and first name columns hold personal data, and forgetting a user scrubs them in the
 * user's row (docs/views.md, "Personal data in views").
 */
import { Application, type ApplicationOptions } from 'eventforge/runtime';
import { UserBase, identityDomain } from '../generated/identity/index.js';

/** The user directory: a view declared in the schema, its email and first name columns personal. */
export { UserDirectoryProjection, type UserDirectoryRow } from '../generated/identity/views.js';

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

/** The identity application: Protean's `repository_for(User)` is `this.users`. */
export class Identity extends Application {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [identityDomain] });
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

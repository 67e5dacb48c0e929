/** Errors about personal fields say where and what is wrong, never the personal value itself. */
import { describe, expect, it } from 'vitest';
import { createMemoryRecorder, DecodeError, ValidationError } from 'eventforge/runtime';
import { Identity, User } from '../../examples/identity.js';

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('errors on personal fields do not show their values', () => {
  it('a validation error names the field and the rule, not the value', () => {
    const secret = 'jane.doe.at.example.com';
    const error = thrown(() => User.register(secret, 'Jane'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['email']);
    expect(error.message).toMatch(/email must match pattern/);
    expect(`${error.message} ${JSON.stringify(error)} ${error.stack}`).not.toContain(secret);
  });

  it('a decode error names the field and what was found, not the value', async () => {
    const recorder = createMemoryRecorder();
    const app = new Identity({ recorder });
    const secret = 'Jane Secret-Name';
    await recorder.append([
      {
        streamId: 'u1',
        version: 1,
        topic: 'Identity.User.Registered',
        schemaVersion: 1,
        timestamp: new Date(),
        state: Buffer.from(JSON.stringify({ email: 4155550123, firstName: [secret] })),
      },
    ]);
    const error = (await app.users.get('u1').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.message).toContain('email');
    expect(error.message).toContain('expected a string, got a number (personal data, not shown)');
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('4155550123');
    await app.close();
  });

  it('a decode error in a field that is not personal still shows the value (to help fixing it)', async () => {
    const recorder = createMemoryRecorder();
    const app = new Identity({ recorder });
    await recorder.append([
      {
        streamId: 'u2',
        version: 1,
        topic: 'Identity.User.Registered',
        schemaVersion: 1,
        timestamp: new Date(),
        state: Buffer.from(JSON.stringify({ email: 'a@b.c', firstName: '', joinedOn: 20240229 })),
      },
    ]);
    await expect(app.users.get('u2')).rejects.toThrow(/joinedOn.*number 20240229/);
    await app.close();
  });
});

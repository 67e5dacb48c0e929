/**
 * One driver-adapter connection for PrismaClient and eventforge: `shareAdapter(factory)` is a
 * factory whose every `connect()` hands out the same connection (on PostgreSQL, the same pool),
 * opened on first use and closed when the last user disposes it (docs/prisma.md).
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/**
 * The factory to give both your PrismaClient and your eventforge applications.
 * @example
 * const adapter = shareAdapter(new PrismaPg(postgresTarget(url).config, { schema }));
 * const prisma = new PrismaClient({ adapter });
 * const school = new DogSchool({ adapter });
 */
export function shareAdapter(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  let opened: Promise<SqlDriverAdapter> | undefined;
  let users = 0;
  const release = async (): Promise<void> => {
    users--;
    if (users > 0 || opened === undefined) return;
    const last = opened;
    opened = undefined;
    await (await last).dispose();
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      if (opened === undefined) {
        opened = factory.connect();
        opened.catch(() => (opened = undefined));
      }
      const adapter = await opened;
      users++;
      let disposed = false;
      // Everything but dispose goes to the one connection; dispose counts this user out, once.
      return new Proxy(adapter, {
        get(target, key, receiver) {
          if (key === 'dispose') {
            return async () => {
              if (disposed) return;
              disposed = true;
              await release();
            };
          }
          const value: unknown = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}

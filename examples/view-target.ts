/**
 * Where the examples keep their views: beside the application's own store (the same SQLite file
 * or PostgreSQL database, through a connection of their own) or in memory on the memory store.
 * `catchUp` reads the application's log from where the view stopped and applies each batch in
 * one transaction. (The library's projection runner, with tracking in the same transaction,
 * replaces this position kept in memory.)
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  MemoryViewStore,
  SqlViewStore,
  postgresConnection,
  sqliteConnection,
  type Application,
  type LoggedEvent,
  type SqlConnection,
  type SqlExecutor,
  type ViewDefinition,
  type ViewProjection,
  type ViewStore,
} from 'eventforge/runtime';

export interface ViewTarget {
  /** Creates the view's table (SQL stores). */
  prepare<Row extends object, Key extends object>(
    definition: ViewDefinition<Row, Key>,
    own?: (tx: SqlExecutor) => Promise<void>,
  ): Promise<void>;
  /** The view's rows, to read. */
  store<Row extends object, Key extends object>(definition: ViewDefinition<Row, Key>): ViewStore<Row, Key>;
  /** Applies the application's new events to the projection's view; resolves to how many were read. */
  catchUp<Row extends object, Key extends object>(
    app: Application,
    projection: ViewProjection<Row, Key>,
  ): Promise<number>;
  /** Applies the given events in one transaction (SQL stores) or to the memory view. */
  catchUpEvents<Row extends object, Key extends object>(
    projection: ViewProjection<Row, Key>,
    events: readonly LoggedEvent[],
  ): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 500;

/** The target beside the application's store. */
export async function openViewTarget(app: Application): Promise<ViewTarget> {
  const store = app.config.store;
  switch (store.kind) {
    case 'sqlite': {
      const db = new Database(store.filename);
      db.pragma('busy_timeout = 5000');
      return sqlTarget(sqliteConnection(db), async () => {
        db.close();
      });
    }
    case 'postgresql': {
      const url = new URL(store.url);
      const schema = url.searchParams.get('schema');
      url.searchParams.delete('schema');
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      if (schema !== null) await client.query(`SET search_path TO "${schema.replace(/"/g, '""')}"`);
      return sqlTarget(postgresConnection(client), () => client.end());
    }
    default:
      return memoryTarget();
  }
}

function sqlTarget(connection: SqlConnection, close: () => Promise<void>): ViewTarget {
  const positions = new Map<string, bigint>();
  return {
    async prepare(definition, own) {
      await new SqlViewStore(definition, connection).createTable();
      if (own !== undefined) await own(connection);
    },
    store: (definition) => new SqlViewStore(definition, connection),
    async catchUp(app, projection) {
      let read = 0;
      for (;;) {
        const from = (positions.get(projection.name) ?? 0n) + 1n;
        const events = await app.log.select(from, BATCH, { topics: projection.topics });
        if (events.length === 0) return read;
        await this.catchUpEvents(projection, events);
        positions.set(projection.name, events.at(-1)?.id ?? from);
        read += events.length;
      }
    },
    catchUpEvents: (projection, events) => connection.transaction((tx) => projection.process(events, tx)),
    close,
  };
}

function memoryTarget(): ViewTarget {
  const positions = new Map<string, bigint>();
  const stores = new Map<string, MemoryViewStore<object, object>>();
  const storeOf = <Row extends object, Key extends object>(definition: ViewDefinition<Row, Key>) => {
    let store = stores.get(definition.name);
    if (store === undefined) {
      store = new MemoryViewStore(definition as ViewDefinition<object, object>);
      stores.set(definition.name, store);
    }
    return store as unknown as ViewStore<Row, Key>;
  };
  return {
    async prepare() {},
    store: storeOf,
    async catchUp(app, projection) {
      let read = 0;
      for (;;) {
        const from = (positions.get(projection.name) ?? 0n) + 1n;
        const events = await app.log.select(from, BATCH, { topics: projection.topics });
        if (events.length === 0) return read;
        await this.catchUpEvents(projection, events);
        positions.set(projection.name, events.at(-1)?.id ?? from);
        read += events.length;
      }
    },
    catchUpEvents: (projection, events) => projection.apply(events, storeOf(projection.definition)),
    async close() {},
  };
}

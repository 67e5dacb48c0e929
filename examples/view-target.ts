/**
 * Running and reading the examples' views: each projection runs under the library's
 * ProjectionRunner (rows and tracking position in one transaction of the application's store),
 * and a view is read in a transaction of that store (its own rows on the memory store).
 */
import {
  ProjectionRunner,
  type Application,
  type Projection,
  type ViewProjection,
  type ViewStore,
} from 'eventforge/runtime';

/** Starts a runner of `projection` on the application's store. */
export async function runView(app: Application, projection: Projection): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner(app, projection, { pollIntervalMs: 50 });
  await runner.start();
  return runner;
}

/** Waits until the runner has processed everything in the log now. */
export async function caughtUp(app: Application, runner: ProjectionRunner): Promise<void> {
  await runner.wait(await app.log.maxId(), { timeout: 20_000 });
}

/** Reads the view in a transaction of the application's store. */
export async function readView<Row extends object, Key extends object, T>(
  app: Application,
  projection: ViewProjection<Row, Key>,
  read: (view: ViewStore<Row, Key>) => Promise<T>,
): Promise<T> {
  const recorder = await app.recorder();
  return recorder.transaction((tx) => read(projection.view(tx)));
}

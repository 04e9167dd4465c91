/**
 * One `npm start` per DATA_DIR. Two would share dynalite's store and the development secrets.
 * LevelDB lets one process at a time open a store, but dynalite does not wait to see its open
 * succeed: when it failed, dynalite crashes on its first request ("Database is closed"). So
 * the directory must be known to be free before dynalite starts, and stay ours after.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import { shownPath } from './local-config.ts';

/**
 * A LevelDB of its own inside DATA_DIR, held open for the life of the process. Its LOCK file is
 * an operating-system lock: taking it is atomic, and it is released when the process ends,
 * however it ends, so a crashed start leaves nothing stale behind.
 */
export const DATA_DIR_LOCK = 'npm-start.lock';

/** Opens the LevelDB at `dir`, or fails naming the directory and the setting that moves it. */
async function openAlone(dir: string, shown: string): Promise<Level> {
  const db = new Level(dir);
  try {
    await db.open();
  } catch (error) {
    if ((error as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED') {
      throw new Error(
        `${shown} is in use: is another npm start running? Set DATA_DIR to use another directory.`,
        { cause: error },
      );
    }
    throw error;
  }
  return db;
}

/** The locks this process holds: referenced, as a lock collected as garbage would be freed. */
const held: Level[] = [];

/**
 * Takes DATA_DIR for this process until it exits. Never released earlier: dynalite's store
 * stays open until the exit, and the next start must not find it so.
 */
export async function holdDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  held.push(await openAlone(join(dataDir, DATA_DIR_LOCK), shownPath(dataDir)));
}

/**
 * Fails if a program that does not take the lock (dynalite run by hand, an older checkout's
 * npm start) has the store open: dynalite would crash on it as above.
 */
export async function assertStoreFree(dir: string): Promise<void> {
  const db = await openAlone(dir, shownPath(dir));
  await db.close();
}

import { migrationsFromFiles, type Migration } from './migrator'

// Bundled at build time so the app and the headless server never look for SQL files on disk.
const files = import.meta.glob('../../../migrations/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>

export const bundledMigrations: Migration[] = migrationsFromFiles(files)

export {
  connect,
  type DevDatabase,
  databaseUrl,
  openDevDatabase,
  type ScratchDatabase,
  safeUrl,
} from './dev-database.js';
export { cacheDir, type EmbeddedServer, startEmbedded } from './embedded.js';
export { devServerMajor, serverMajor } from './server-major.js';

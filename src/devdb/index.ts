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
export { obtainWarmServer, stopWarmServers, type WarmServer, warmDir } from './warm-server.js';
export { useWarmDevDatabase, warmDevDatabaseEnabled } from './warm-setting.js';

export { connect, databaseUrl, type DevDatabase, openDevDatabase, safeUrl, type ScratchDatabase } from './dev-database.js';
export { cacheDir, type EmbeddedServer, startEmbedded } from './embedded.js';

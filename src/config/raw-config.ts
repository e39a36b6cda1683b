import type { RawOnlineConfig } from './online-config.js';
import type { RawRollout } from './rollout-config.js';

/** pgfleet.yaml as read and validated, before defaults (config.ts makes the Config). */
export type RawTenants = {
  query?: string | null;
  match?: string | null;
  list?: string[] | null;
  register?: string | null;
  unregister?: string | null;
  template?: string | null;
  createFunction?: boolean;
  namePattern?: string;
};

export interface RawConfig extends RawOnlineConfig {
  database?: string | null;
  devDatabase?: string;
  postgres?: number;
  model?: string;
  migrations?: string;
  shared?: { schema?: string };
  tenants?: RawTenants;
  databases?: { url: string; tenants?: RawTenants; directDatabase?: string | null }[];
  concurrency?: number;
  ignore?: { preset?: string | string[]; shared?: string[]; tenant?: string[] };
  directDatabase?: string | null;
  runLock?: { expirySeconds?: number };
  rollout?: RawRollout;
}

import type { Extension } from '../../model/types.js';
import { ident } from '../quote.js';
import { hazard, type Rendered, rendered, sql } from './rendered.js';

export const createExtension = (e: Extension, schema: string): Rendered =>
  rendered([sql(`CREATE EXTENSION ${ident(e.name)} WITH SCHEMA ${ident(schema)}`)]);

export const dropExtension = (e: Extension): Rendered =>
  rendered(
    [sql(`DROP EXTENSION ${ident(e.name)}`)],
    [hazard('deletes_data', e.name, `drops extension ${e.name} and the objects it owns`)],
  );

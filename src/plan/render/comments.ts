import { ident, literal } from '../quote.js';
import { sql } from './rendered.js';

const text = (comment: string | null) => (comment === null ? 'NULL' : literal(comment));

export const commentOnTable = (table: string, comment: string | null) =>
  sql(`COMMENT ON TABLE ${ident(table)} IS ${text(comment)}`);

export const commentOnColumn = (table: string, column: string, comment: string | null) =>
  sql(`COMMENT ON COLUMN ${ident(table)}.${ident(column)} IS ${text(comment)}`);

export const commentOnType = (name: string, comment: string | null) =>
  sql(`COMMENT ON TYPE ${ident(name)} IS ${text(comment)}`);

export const commentOnSequence = (name: string, comment: string | null) =>
  sql(`COMMENT ON SEQUENCE ${ident(name)} IS ${text(comment)}`);

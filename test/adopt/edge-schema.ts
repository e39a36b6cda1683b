/**
 * A hand-written schema with the corners `pull` must get right: names that need quotes,
 * constraint names Postgres would and would not choose, truncated default names, every
 * kind of default, serial and identity columns, standalone sequences, enums with comments,
 * expression and partial indexes, collations, generated columns, multi-column and
 * deferrable keys, and a tenant table referencing a shared one.
 */
/** Roles are the server's: the grants below need this one (created once, kept). */
export const EDGE_ROLES = `DO $$ BEGIN CREATE ROLE pgfleet_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$`;

export const EDGE_SHARED = `
CREATE EXTENSION citext;
CREATE TYPE "Mood" AS ENUM ('happy', 'sad', 'it''s complicated', 'yes');
COMMENT ON TYPE "Mood" IS 'How it feels';
CREATE SEQUENCE invoice_seq AS integer START 1000 INCREMENT 5 CACHE 10;
GRANT USAGE, SELECT ON SEQUENCE invoice_seq TO pgfleet_reader;
CREATE SEQUENCE down_seq INCREMENT -1;
COMMENT ON SEQUENCE down_seq IS 'counts down';
CREATE TABLE "Account" (
  id serial PRIMARY KEY,
  "Email" citext NOT NULL UNIQUE,
  handle varchar(40) COLLATE "C" NOT NULL,
  mood "Mood" NOT NULL DEFAULT 'it''s complicated',
  "order" integer NOT NULL DEFAULT -5,
  ratio double precision DEFAULT 1.50,
  amount numeric(12,3) NOT NULL DEFAULT 0.000,
  note text DEFAULT E'line\\\\one',
  yes_no text DEFAULT 'yes',
  big bigint DEFAULT 9007199254740993,
  starts date DEFAULT '2024-01-01',
  at timestamp(3) without time zone DEFAULT CURRENT_TIMESTAMP,
  invoice integer DEFAULT nextval('invoice_seq'),
  flags boolean[] DEFAULT '{true,false}',
  lower_email text GENERATED ALWAYS AS (lower("Email"::text)) STORED,
  CONSTRAINT account_handle_check CHECK (handle <> ''),
  CHECK (amount >= 0 AND ratio > 0)
);
COMMENT ON TABLE "Account" IS 'People: with "quotes"';
COMMENT ON COLUMN "Account".handle IS 'unique per account, #1';
CREATE UNIQUE INDEX account_lower_handle ON "Account" (lower(handle)) WHERE handle IS NOT NULL;
CREATE INDEX account_mood_amount ON "Account" USING btree (mood DESC NULLS LAST, amount) INCLUDE (handle);
CREATE INDEX account_note_hash ON "Account" USING hash (note);
CREATE TYPE money_amount AS (amount numeric(12,2), currency char(3) COLLATE "C");
COMMENT ON TYPE money_amount IS 'an amount';
CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE DOMAIN "Code" AS text COLLATE "C" DEFAULT 'x' NOT NULL CONSTRAINT code_short CHECK (length(VALUE) < 10);
COMMENT ON DOMAIN "Code" IS 'a short code';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.at = now();
  RETURN NEW;
END $$;
CREATE FUNCTION "Account_by_mood"(m "Mood") RETURNS SETOF "Account" LANGUAGE sql STABLE AS $$ SELECT * FROM "Account" WHERE mood = m $$;
COMMENT ON FUNCTION "Account_by_mood"("Mood") IS 'accounts in a mood';
CREATE FUNCTION concat_pair(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce($1 || ', ', '') || $2 $$;
CREATE AGGREGATE concat_all(text) (SFUNC = concat_pair, STYPE = text);
CREATE PROCEDURE noop(INOUT n integer) LANGUAGE plpgsql AS $$ BEGIN n := n + 1; END $$;
REVOKE EXECUTE ON FUNCTION concat_pair(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION concat_pair(text, text) TO pgfleet_reader;
CREATE TRIGGER account_touch BEFORE UPDATE OF handle ON "Account" FOR EACH ROW WHEN (OLD.handle IS DISTINCT FROM NEW.handle) EXECUTE FUNCTION touch();
COMMENT ON TRIGGER account_touch ON "Account" IS 'keeps at current';
CREATE VIEW happy_accounts AS SELECT id, "Email", handle FROM "Account" WHERE mood = 'happy';
COMMENT ON VIEW happy_accounts IS 'the happy ones';
GRANT SELECT ON happy_accounts TO pgfleet_reader;
CREATE MATERIALIZED VIEW account_moods AS SELECT mood, count(*) AS n, concat_all(handle) AS handles FROM "Account" GROUP BY mood;
CREATE UNIQUE INDEX account_moods_mood ON account_moods (mood);
CREATE TABLE a_very_long_table_name_that_goes_on_and_on_and_on_until_it_is_cut (
  first_column_with_a_long_name integer NOT NULL,
  second_column_with_a_long_name integer NOT NULL,
  PRIMARY KEY (first_column_with_a_long_name, second_column_with_a_long_name),
  UNIQUE (second_column_with_a_long_name, first_column_with_a_long_name)
);
`;

export const EDGE_TENANT = `
CREATE TABLE orders_order (
  id bigint GENERATED ALWAYS AS IDENTITY,
  account_id integer NOT NULL REFERENCES "Account" ON DELETE CASCADE,
  code text NOT NULL,
  region smallint NOT NULL,
  CONSTRAINT orders_pk PRIMARY KEY (id),
  CONSTRAINT orders_code_region UNIQUE (code, region),
  CONSTRAINT orders_id_code UNIQUE (id, code) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (code)
);
CREATE TABLE orders_line (
  order_id bigint NOT NULL,
  line smallserial,
  code text NOT NULL,
  region smallint NOT NULL,
  qty integer NOT NULL CHECK (qty > 0),
  PRIMARY KEY (order_id, line),
  FOREIGN KEY (code, region) REFERENCES orders_order (code, region) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT orders_line_order FOREIGN KEY (order_id) REFERENCES orders_order (id) ON DELETE RESTRICT
);
-- What Django's UniqueConstraint(nulls_distinct=False) makes (Postgres 15+).
CREATE TABLE orders_slot_hold (
  id integer PRIMARY KEY,
  room text,
  day date,
  CONSTRAINT orders_slot_hold_room_day UNIQUE NULLS NOT DISTINCT (room, day)
);
CREATE UNIQUE INDEX orders_slot_hold_room ON orders_slot_hold (room) NULLS NOT DISTINCT;
ALTER TABLE orders_order ADD COLUMN year year;
CREATE VIEW orders_by_account AS
  SELECT a.handle, count(o.id) AS orders FROM "Account" a LEFT JOIN orders_order o ON o.account_id = a.id GROUP BY a.handle;
CREATE TRIGGER orders_order_guard BEFORE DELETE ON orders_order FOR EACH STATEMENT EXECUTE FUNCTION touch();
CREATE TABLE orders_event (id bigint NOT NULL, region text NOT NULL, at date NOT NULL, PRIMARY KEY (region, id))
  PARTITION BY LIST (region);
CREATE INDEX orders_event_at ON orders_event (at);
CREATE TABLE orders_event_eu PARTITION OF orders_event FOR VALUES IN ('de', 'fr');
CREATE TABLE orders_event_other (id bigint NOT NULL, region text NOT NULL, at date NOT NULL, CHECK (at > '2000-01-01'));
ALTER TABLE orders_event ATTACH PARTITION orders_event_other DEFAULT;
CREATE INDEX orders_event_other_id ON orders_event_other (id);
CREATE TABLE orders_slot (id bigint PRIMARY KEY, during tstzrange NOT NULL, EXCLUDE USING gist (during WITH &&));
ALTER TABLE orders_slot ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_slot_recent ON orders_slot FOR SELECT USING (lower(during) > now() - interval '1 year');
GRANT SELECT, INSERT ON orders_slot TO pgfleet_reader;
GRANT SELECT ON orders_slot TO PUBLIC;
`;

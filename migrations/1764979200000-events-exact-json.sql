-- An event's data and metadata are kept as the exact text its hash covers: the RFC 8785 form the
-- store writes (src/event-store/event-hash.ts). jsonb kept them as a tree and wrote them back in
-- its own order and spacing, so `audit verify` had to rebuild the canonical form of every event
-- to check its hash; now it hashes what is stored, byte for byte. json keeps text as it is given.
--
-- Events stored before this migration keep jsonb's text of their content, which verify still
-- turns into the canonical form (src/event-store/jsonb-canonical.ts).
ALTER TABLE events
  ALTER COLUMN data TYPE json USING data::json,
  ALTER COLUMN metadata DROP DEFAULT,
  ALTER COLUMN metadata TYPE json USING metadata::json,
  ALTER COLUMN metadata SET DEFAULT '{}';

-- json takes what jsonb refused: a NUL character, a lone surrogate. The log goes on refusing them.
ALTER TABLE events ADD CONSTRAINT events_content_is_jsonb CHECK (data::jsonb IS NOT NULL AND metadata::jsonb IS NOT NULL);

-- json has no equality: the one change allowed, filling in a missing hash, compares the content
-- as jsonb. It may then also write the content in its canonical form (hashUnhashedEvents does).
CREATE OR REPLACE FUNCTION refuse_event_rewrite_but_hashing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL
     AND (NEW.global_position, NEW.stream_id, NEW.stream_version, NEW.type, NEW.schema_version, NEW.data::jsonb,
          NEW.metadata::jsonb, NEW.recorded_at, NEW.transaction_id)
         IS NOT DISTINCT FROM
         (OLD.global_position, OLD.stream_id, OLD.stream_version, OLD.type, OLD.schema_version, OLD.data::jsonb,
          OLD.metadata::jsonb, OLD.recorded_at, OLD.transaction_id) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% on % is not allowed: the event log is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Record a correcting event instead.';
END;
$$;

-- migrate:down
CREATE OR REPLACE FUNCTION refuse_event_rewrite_but_hashing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL
     AND (NEW.global_position, NEW.stream_id, NEW.stream_version, NEW.type, NEW.schema_version, NEW.data,
          NEW.metadata, NEW.recorded_at, NEW.transaction_id)
         IS NOT DISTINCT FROM
         (OLD.global_position, OLD.stream_id, OLD.stream_version, OLD.type, OLD.schema_version, OLD.data,
          OLD.metadata, OLD.recorded_at, OLD.transaction_id) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% on % is not allowed: the event log is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Record a correcting event instead.';
END;
$$;

ALTER TABLE events DROP CONSTRAINT events_content_is_jsonb;
ALTER TABLE events
  ALTER COLUMN data TYPE jsonb USING data::jsonb,
  ALTER COLUMN metadata DROP DEFAULT,
  ALTER COLUMN metadata TYPE jsonb USING metadata::jsonb,
  ALTER COLUMN metadata SET DEFAULT '{}';

-- The event log: every fact the tracker holds, in the order it was recorded.
CREATE TABLE events (
  global_position bigserial PRIMARY KEY,
  stream_id       text        NOT NULL,
  stream_version  integer     NOT NULL CHECK (stream_version > 0),
  -- a stable name such as 'incident.recorded', never a class name
  type            text        NOT NULL,
  schema_version  integer     NOT NULL DEFAULT 1 CHECK (schema_version > 0),
  data            jsonb       NOT NULL,
  -- who, correlation id, causation id, request id
  metadata        jsonb       NOT NULL DEFAULT '{}',
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  -- Positions from a sequence can commit out of order; readers order by the writing
  -- transaction and read only transactions that no running one can precede.
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_transaction_order ON events (transaction_id, global_position);

-- What an append with an idempotency key returned, so a retry returns it again.
CREATE TABLE event_idempotency_keys (
  stream_id       text        NOT NULL,
  idempotency_key text        NOT NULL,
  request_hash    text        NOT NULL,
  stream_version  integer     NOT NULL,
  positions       bigint[]    NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, idempotency_key)
);

-- History is never rewritten: the database itself refuses it, whatever code path asks.
CREATE FUNCTION refuse_event_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is not allowed: the event log is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Record a correcting event instead.';
END;
$$;

CREATE TRIGGER events_refuse_update_delete
  BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION refuse_event_rewrite();

CREATE TRIGGER events_refuse_truncate
  BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_rewrite();

CREATE TRIGGER event_idempotency_keys_refuse_rewrite
  BEFORE UPDATE OR DELETE OR TRUNCATE ON event_idempotency_keys
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_rewrite();

-- migrate:down
DROP TABLE event_idempotency_keys;
DROP TABLE events;
DROP FUNCTION refuse_event_rewrite();

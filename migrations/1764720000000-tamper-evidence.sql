-- Tamper evidence (src/audit/tamper-evidence/). Every event carries the SHA-256 of the RFC 8785
-- form of its content and of the hash of the event before it in its stream
-- (src/event-store/event-hash.ts), so each stream is a hash chain; the append writes both in its
-- one statement. Events recorded before this migration are hashed by `migrate` in Node, which
-- has the canonical JSON (hashUnhashedEvents): until then their hash is null.
ALTER TABLE events ADD COLUMN previous_hash bytea, ADD COLUMN hash bytea;

-- Every new event must come with its hash. NOT VALID: the rows already there are hashed after.
ALTER TABLE events ADD CONSTRAINT events_hashed CHECK (hash IS NOT NULL) NOT VALID;

-- The one change the log allows: filling in the hashes of events that have none, and nothing else.
CREATE FUNCTION refuse_event_rewrite_but_hashing() RETURNS trigger LANGUAGE plpgsql AS $$
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

DROP TRIGGER events_refuse_update_delete ON events;
CREATE TRIGGER events_refuse_update_delete
  BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION refuse_event_rewrite_but_hashing();

-- Seals: now and then the sealer takes the log up to a checkpoint, computes the RFC 9162 Merkle
-- root over the hashes of all its events (in the log's safe order), and signs it with the
-- Ed25519 key from configuration. Outside parties keep copies (GET /audit/seals); `audit verify`
-- checks the log against every one.
CREATE TABLE audit_seals (
  -- 1, 2, 3...: a gap means a seal was removed
  sequence                  bigint      PRIMARY KEY CHECK (sequence > 0),
  checkpoint_transaction_id xid8        NOT NULL,
  checkpoint_position       bigint      NOT NULL,
  -- how many events the log held up to the checkpoint, and their Merkle root
  events                    bigint      NOT NULL,
  root                      bytea       NOT NULL,
  -- the last event of each stream that grew since the previous seal (audit_seal_heads), as a
  -- count and a digest: what shows a stream's tail cut off, or a stream removed, later
  heads                     integer     NOT NULL,
  heads_digest              bytea       NOT NULL,
  -- the sha256 of the previous seal's signed statement: seals form a chain of their own
  previous                  bytea,
  sealed_at                 timestamptz NOT NULL,
  -- Ed25519: the raw public key, and the signature over the statement (src/audit/tamper-evidence/seal-statement.ts)
  public_key                bytea       NOT NULL,
  signature                 bytea       NOT NULL,
  -- the right edge of the Merkle tree, so the next seal adds only the new events (not signed:
  -- the sealer checks it against the signed root before it builds on it)
  frontier                  bytea[]     NOT NULL
);

CREATE TABLE audit_seal_heads (
  -- written just before its seal, in the same transaction
  seal           bigint  NOT NULL REFERENCES audit_seals (sequence) DEFERRABLE INITIALLY DEFERRED,
  -- byte order, which the heads digest is taken in
  stream_id      text    COLLATE "C" NOT NULL,
  stream_version integer NOT NULL,
  hash           bytea   NOT NULL,
  PRIMARY KEY (seal, stream_id)
);

CREATE TRIGGER audit_seals_refuse_rewrite
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_seals
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_rewrite();

CREATE TRIGGER audit_seal_heads_refuse_rewrite
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_seal_heads
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_rewrite();

-- migrate:down
DROP TABLE audit_seal_heads;
DROP TABLE audit_seals;
DROP TRIGGER events_refuse_update_delete ON events;
CREATE TRIGGER events_refuse_update_delete
  BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION refuse_event_rewrite();
DROP FUNCTION refuse_event_rewrite_but_hashing();
ALTER TABLE events DROP CONSTRAINT events_hashed, DROP COLUMN hash, DROP COLUMN previous_hash;

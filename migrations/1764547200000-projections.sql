-- Where each projection has read the log to, kept in the transaction that writes its read
-- model, so every event takes effect exactly once. The checkpoint is the store's safe order:
-- (transaction id, global position), as in event-store/checkpoint.ts.
CREATE TABLE projection_checkpoints (
  name                   text        PRIMARY KEY,
  transaction_id         xid8        NOT NULL DEFAULT '0',
  position               bigint      NOT NULL DEFAULT 0,
  -- 'stopped': an event could not be handled; the checkpoint stays before it.
  state                  text        NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'stopped')),
  error                  text,
  error_position         bigint,
  events_handled         bigint      NOT NULL DEFAULT 0,
  -- when the last event handled was recorded: lag in seconds is measured from the next one
  last_event_recorded_at timestamptz,
  updated_at             timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE projection_checkpoints;

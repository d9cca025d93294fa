-- API keys (src/access/). Only a key's SHA-256 is kept: a key is 32 random bytes, so a fast hash
-- is enough, and a stolen table gives no working key. Keys are never deleted: a revoked key keeps
-- its row, so the names on the log's events keep meaning one principal each.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$'),
  role text NOT NULL CHECK (role IN ('viewer', 'reporter', 'editor', 'auditor', 'admin')),
  key_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  revoked_at timestamptz,
  revoked_by text,
  revoked_reason text
);

-- Trigram similarity for fuzzy ranking of actor and place names. Embedded PostgreSQL (PGlite)
-- ships it as a bundled extension that the process loads at start (embedded-postgres.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- migrate:down
DROP EXTENSION IF EXISTS pg_trgm;

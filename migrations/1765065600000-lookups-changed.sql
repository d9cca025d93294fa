-- The service keeps what every request looks up in memory: its API key, the actors and the places
-- a record names (src/database/lookup-caches.ts). Any change to those tables, by the service, the
-- CLI or an operator's SQL, is announced when it commits, and every process forgets what it kept.
-- Per statement, not per row: a load of thousands of places is one notification, and PostgreSQL
-- sends the same notification once per transaction.
CREATE FUNCTION announce_lookups_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lookups_changed', TG_ARGV[0]);
  RETURN NULL;
END
$$;

CREATE TRIGGER lookups_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION announce_lookups_changed('api_keys');
CREATE TRIGGER lookups_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON actors
  FOR EACH STATEMENT EXECUTE FUNCTION announce_lookups_changed('actors');
CREATE TRIGGER lookups_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON actor_names
  FOR EACH STATEMENT EXECUTE FUNCTION announce_lookups_changed('actors');
CREATE TRIGGER lookups_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON places
  FOR EACH STATEMENT EXECUTE FUNCTION announce_lookups_changed('places');
CREATE TRIGGER lookups_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON place_names
  FOR EACH STATEMENT EXECUTE FUNCTION announce_lookups_changed('places');

-- migrate:down
DROP TRIGGER lookups_changed ON place_names;
DROP TRIGGER lookups_changed ON places;
DROP TRIGGER lookups_changed ON actor_names;
DROP TRIGGER lookups_changed ON actors;
DROP TRIGGER lookups_changed ON api_keys;
DROP FUNCTION announce_lookups_changed();

-- What each API key (or, without one, each address) has used of its rate limit this minute, kept
-- here so that every API process counts the same requests: N processes behind a load balancer
-- allow RATE_LIMIT_PER_MINUTE a key, not N times it. The columns are the ones
-- rate-limiter-flexible's RateLimiterPostgres reads and writes: the key, the requests counted,
-- and when the minute ends (milliseconds since 1970). UNLOGGED: a count is worth a minute, so it
-- need not go through the WAL (nor reach the replicas), and a crash may forget it.
CREATE UNLOGGED TABLE rate_limits (
  key    text    PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- migrate:down
DROP TABLE rate_limits;

-- The server's version and the database's encoding: the reader guards version-specific catalog columns by the
-- number, and the planner compares the encoding with the target's.
SELECT current_setting('server_version_num')::int AS version_num,
       current_setting('server_version') AS version,
       pg_encoding_to_char(d.encoding) AS encoding
  FROM pg_database d
 WHERE d.datname = current_database()

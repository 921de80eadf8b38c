-- Installed extensions: the target needs each of them (CREATE EXTENSION) before the schema that uses them.
SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
  FROM pg_extension e
  JOIN pg_namespace n ON n.oid = e.extnamespace
 ORDER BY e.extname

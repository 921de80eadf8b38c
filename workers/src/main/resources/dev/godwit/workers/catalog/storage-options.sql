-- Storage parameters (fillfactor, autovacuum_*, …) of tables, partitions and materialized views outside system
-- schemas and extensions, with those of their TOAST table, which CREATE and ALTER TABLE spell toast.<name>. Only
-- relations that set any.
SELECT c.oid AS relid,
       coalesce(c.reloptions, '{}') AS options,
       coalesce(tc.reloptions, '{}') AS toast_options
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
 WHERE c.relkind IN ('r', 'p', 'm')
   AND (c.reloptions IS NOT NULL OR tc.reloptions IS NOT NULL)
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND n.nspname NOT LIKE 'pg\_temp\_%'
 ORDER BY c.oid

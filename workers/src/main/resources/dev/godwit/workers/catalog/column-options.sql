-- Per-column settings pg_dump prints as ALTER COLUMN: a statistics target (of a table's column, or of an index's
-- column by number, under the index's table with index_name set), a storage mode other than the type's own, and
-- attribute options (n_distinct). The default statistics target is -1 before 17 and NULL from 17 on; nullif reads
-- both as "not set".
SELECT coalesce(i.indrelid, a.attrelid) AS relid,
       CASE WHEN i.indexrelid IS NOT NULL THEN c.relname END AS index_name,
       a.attnum,
       a.attname AS name,
       nullif(a.attstattarget, -1) AS statistics,
       CASE WHEN c.relkind IN ('r', 'p', 'm') AND a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
       coalesce(a.attoptions, '{}') AS options
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_index i ON i.indexrelid = a.attrelid
 WHERE c.relkind IN ('r', 'p', 'm', 'i', 'I')
   AND a.attnum > 0
   AND NOT a.attisdropped
   AND (nullif(a.attstattarget, -1) IS NOT NULL OR a.attoptions IS NOT NULL
        OR (c.relkind IN ('r', 'p', 'm') AND a.attstorage <> t.typstorage))
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND n.nspname NOT LIKE 'pg\_temp\_%'
 ORDER BY a.attrelid, a.attnum

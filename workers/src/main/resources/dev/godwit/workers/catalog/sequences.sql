-- Sequences outside system schemas and extensions. The current value needs SELECT or USAGE on the sequence, so it
-- is read only where the role has one (as the pg_sequences view does): a sequence the role cannot read does not fail
-- the whole catalog. pg_sequence_last_value is NULL for a sequence nextval has never been called on.
-- owned_* comes from the 'a' (OWNED BY) or 'i' (identity column) dependency on a table column.
SELECT n.nspname AS schema,
       c.relname AS name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min,
       s.seqmax AS max,
       s.seqcycle AS cycle,
       s.seqcache AS cache,
       has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable,
       CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN pg_sequence_last_value(c.oid) END AS last_value,
       tn.nspname AS owned_schema,
       tc.relname AS owned_table,
       ta.attname AS owned_column,
       d.deptype = 'i' AS is_identity,
       c.relpersistence = 'u' AS unlogged,
       obj_description(c.oid, 'pg_class') AS comment
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass
                       AND d.objid = c.oid
                       AND d.refclassid = 'pg_class'::regclass
                       AND d.refobjsubid > 0
                       AND d.deptype IN ('a', 'i')
  LEFT JOIN pg_class tc ON tc.oid = d.refobjid
  LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
  LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND (n.nspname NOT LIKE 'pg\_temp\_%' OR n.oid = pg_my_temp_schema())
   AND NOT EXISTS (SELECT 1
                     FROM pg_depend x
                    WHERE x.classid = 'pg_class'::regclass
                      AND x.objid = c.oid
                      AND x.deptype = 'e')
 ORDER BY n.nspname, c.relname

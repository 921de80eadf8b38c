-- Every relation with rows or a definition that godwit may migrate. This query alone decides the selection; the
-- other queries take its oids as their parameter, so that they all describe the same set of relations.
-- Excluded: system schemas, TOAST, temporary tables of other sessions (their schemas are pg_temp_N, but the reading
-- session's own temporary schema stays), and relations that belong to an extension (CREATE EXTENSION makes them).
SELECT c.oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind::text AS kind,
       c.relpersistence::text AS persistence,
       c.relreplident::text AS replident,
       c.relispartition AS is_partition,
       c.relpages,
       c.reltuples::float8 AS reltuples,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       -- the size functions need no privilege and return NULL for a relation dropped meanwhile
       coalesce(pg_table_size(c.oid), 0) AS size_bytes,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS view_definition,
       ts.spcname AS tablespace,
       obj_description(c.oid, 'pg_class') AS comment,
       -- SELECT on the relation is of no use without USAGE on its schema
       has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT') AS selectable
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND (n.nspname NOT LIKE 'pg\_temp\_%' OR n.oid = pg_my_temp_schema())
   AND NOT EXISTS (SELECT 1
                     FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid
                      AND d.deptype = 'e')
 ORDER BY n.nspname, c.relname

-- Collations outside system schemas and extensions. The columns that name the locale changed across versions
-- (colliculocale in 15 and 16, colllocale from 17, collicurules from 16): reading the row as jsonb gives NULL for
-- a column a version lacks, so one query serves 12 to 17.
SELECT n.nspname AS schema,
       c.collname AS name,
       c.collprovider::text AS provider,
       j.row ->> 'collcollate' AS lc_collate,
       j.row ->> 'collctype' AS lc_ctype,
       coalesce(j.row ->> 'colllocale', j.row ->> 'colliculocale') AS locale,
       c.collisdeterministic AS deterministic,
       j.row ->> 'collicurules' AS rules,
       obj_description(c.oid, 'pg_collation') AS comment
  FROM pg_collation c
  JOIN pg_namespace n ON n.oid = c.collnamespace
 CROSS JOIN LATERAL (SELECT to_jsonb(c) AS row) j
 WHERE c.oid >= 16384
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_collation'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY n.nspname, c.collname

-- The user schemas with their comments, including those that hold no relation (an application's empty
-- app_hidden); not those an extension creates.
SELECT n.nspname AS name,
       obj_description(n.oid, 'pg_namespace') AS comment
  FROM pg_namespace n
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND n.nspname NOT LIKE 'pg\_temp\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
 ORDER BY n.nspname

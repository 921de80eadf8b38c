-- Views and materialized views outside system schemas and extensions: their options (security_barrier,
-- check_option, security_invoker) and the other relations their query reads, from the dependencies of their
-- _RETURN rule, so that they are created after those. The definition is printed without pretty-printing (as
-- pg_dump prints it): every parenthesis kept, so that it parses the same on a newer server.
SELECT c.oid,
       pg_get_viewdef(c.oid) AS definition,
       coalesce(c.reloptions, '{}') AS options,
       ARRAY(SELECT DISTINCT d.refobjid::int8
               FROM pg_rewrite r
               JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
               JOIN pg_class dc ON dc.oid = d.refobjid
              WHERE r.ev_class = c.oid
                AND d.refclassid = 'pg_class'::regclass
                AND d.refobjid <> c.oid
                AND dc.relkind IN ('r', 'p', 'v', 'm', 'f')) AS relations,
       -- the _RETURN rule's tie to its own view is internal; a normal one is the query reading the view itself. Up to
       -- 15 that rule's OLD and NEW entries name the view too, so there only a column it reads tells
       EXISTS (SELECT 1
                 FROM pg_rewrite r
                 JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                WHERE r.ev_class = c.oid
                  AND r.ev_type = '1'
                  AND d.refclassid = 'pg_class'::regclass
                  AND d.refobjid = c.oid
                  AND d.deptype = 'n'
                  AND (d.refobjsubid > 0 OR current_setting('server_version_num')::int >= 160000)) AS reads_itself,
       -- a materialized view left WITH NO DATA on the source stays so on the target
       c.relispopulated AS populated
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('v', 'm')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_temp\_%'
   AND NOT EXISTS (SELECT 1
                     FROM pg_depend x
                    WHERE x.classid = 'pg_class'::regclass
                      AND x.objid = c.oid
                      AND x.deptype = 'e')
 ORDER BY n.nspname, c.relname

-- Extended statistics objects (CREATE STATISTICS) outside extensions, as pg_get_statisticsobjdef prints them, and
-- their statistics target when set (stxstattarget: -1 before 17, NULL from 17 when not set).
SELECT n.nspname AS schema,
       s.stxname AS name,
       s.stxrelid AS relation_oid,
       pg_get_statisticsobjdef(s.oid) AS definition,
       nullif((to_jsonb(s) ->> 'stxstattarget')::int, -1) AS target,
       obj_description(s.oid, 'pg_statistic_ext') AS comment
  FROM pg_statistic_ext s
  JOIN pg_namespace n ON n.oid = s.stxnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_statistic_ext'::regclass AND d.objid = s.oid AND d.deptype = 'e')
 ORDER BY n.nspname, s.stxname

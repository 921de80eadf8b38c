-- Relations with row-level security enabled or forced (ALTER TABLE … ENABLE / FORCE ROW LEVEL SECURITY).
SELECT c.oid AS relation_oid,
       c.relrowsecurity AS enabled,
       c.relforcerowsecurity AS forced
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE (c.relrowsecurity OR c.relforcerowsecurity)
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY c.oid

-- User triggers and constraint triggers of relations outside system schemas. Left out: internal triggers (those
-- of foreign keys, which ALTER TABLE ADD FOREIGN KEY makes) and the clones a trigger on a partitioned table makes on
-- its partitions (tgparentid, 13+, read through to_jsonb so that 12 reads too; 12 marks them internal).
SELECT t.oid,
       t.tgrelid AS relation_oid,
       t.tgname AS name,
       pg_get_triggerdef(t.oid) AS definition,
       t.tgenabled::text AS enabled,
       t.tgconstraint <> 0 AS is_constraint,
       t.tgfoid AS function_oid,
       obj_description(t.oid, 'pg_trigger') AS comment
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal
   AND coalesce((to_jsonb(t) ->> 'tgparentid')::oid, 0) = 0
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_temp\_%'
 ORDER BY n.nspname, c.relname, t.tgname

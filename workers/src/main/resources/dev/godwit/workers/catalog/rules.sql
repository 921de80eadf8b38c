-- Rewrite rules of relations outside system schemas, other than the _RETURN rule that makes a view.
SELECT r.ev_class AS relation_oid,
       r.rulename AS name,
       pg_get_ruledef(r.oid) AS definition,
       r.ev_enabled::text AS enabled,
       obj_description(r.oid, 'pg_rewrite') AS comment
  FROM pg_rewrite r
  JOIN pg_class c ON c.oid = r.ev_class
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE r.rulename <> '_RETURN'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_temp\_%'
 ORDER BY n.nspname, c.relname, r.rulename

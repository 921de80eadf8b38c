-- Objects godwit does not create, so that the plan names them instead of leaving them out silently: database-wide
-- ones (event triggers, publications, subscriptions, foreign servers; schema NULL) and those of a schema that godwit
-- has no writer for yet (operators, casts, collations, statistics objects, text search configurations). Extension
-- members and built-in objects (oid below 16384) are left out; godwit's own publications too.
WITH member(classid, objid) AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e')
SELECT 'event trigger' AS kind, NULL::text AS schema, e.evtname::text AS name
  FROM pg_event_trigger e
 WHERE ('pg_event_trigger'::regclass, e.oid) NOT IN (SELECT classid, objid FROM member)
UNION ALL
SELECT 'publication', NULL, p.pubname::text FROM pg_publication p WHERE p.pubname NOT LIKE 'godwit%'
UNION ALL
SELECT 'subscription', NULL, s.subname::text
  FROM pg_subscription s
 WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
UNION ALL
SELECT 'foreign server', NULL, s.srvname::text
  FROM pg_foreign_server s
 WHERE ('pg_foreign_server'::regclass, s.oid) NOT IN (SELECT classid, objid FROM member)
UNION ALL
SELECT 'operator', n.nspname::text, o.oid::regoperator::text
  FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
 WHERE o.oid >= 16384
   AND ('pg_operator'::regclass, o.oid) NOT IN (SELECT classid, objid FROM member)
UNION ALL
SELECT 'cast', tn.nspname::text, format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL)
  FROM pg_cast c JOIN pg_type t ON t.oid = c.casttarget JOIN pg_namespace tn ON tn.oid = t.typnamespace
 WHERE c.oid >= 16384
   AND ('pg_cast'::regclass, c.oid) NOT IN (SELECT classid, objid FROM member)
UNION ALL
SELECT 'collation', n.nspname::text, c.collname::text
  FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
 WHERE c.oid >= 16384
   AND ('pg_collation'::regclass, c.oid) NOT IN (SELECT classid, objid FROM member)
UNION ALL
SELECT 'statistics object', n.nspname::text, s.stxname::text
  FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
UNION ALL
SELECT 'text search configuration', n.nspname::text, c.cfgname::text
  FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
 WHERE c.oid >= 16384
   AND ('pg_ts_config'::regclass, c.oid) NOT IN (SELECT classid, objid FROM member)
 ORDER BY 1, 2, 3

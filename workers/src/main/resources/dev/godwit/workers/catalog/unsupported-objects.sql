-- Objects godwit does not create, so that the plan names them instead of leaving them out silently: database-wide
-- ones (event triggers, publications, subscriptions, foreign servers; schema NULL) and those of a schema that godwit
-- has no writer for (text search parsers and templates, whose functions are C).
-- Extension members and built-in objects (oid below 16384) are left out; godwit's own publications too.
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
SELECT 'text search parser', n.nspname::text, p.prsname::text
  FROM pg_ts_parser p JOIN pg_namespace n ON n.oid = p.prsnamespace
 WHERE p.oid >= 16384
   AND ('pg_ts_parser'::regclass, p.oid) NOT IN (SELECT classid, objid FROM member)
UNION ALL
SELECT 'text search template', n.nspname::text, t.tmplname::text
  FROM pg_ts_template t JOIN pg_namespace n ON n.oid = t.tmplnamespace
 WHERE t.oid >= 16384
   AND ('pg_ts_template'::regclass, t.oid) NOT IN (SELECT classid, objid FROM member)
 ORDER BY 1, 2, 3

-- Objects godwit does not create, so that the plan names them instead of leaving them out silently: database-wide
-- ones (event triggers, publications, subscriptions, foreign servers; schema NULL) and those of a schema that godwit
-- has no writer for yet (operator classes and families; text search parsers and templates, whose functions are C).
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
SELECT 'operator class', n.nspname::text, c.opcname::text || ' USING ' || am.amname::text
  FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace JOIN pg_am am ON am.oid = c.opcmethod
 WHERE c.oid >= 16384
   AND ('pg_opclass'::regclass, c.oid) NOT IN (SELECT classid, objid FROM member)
UNION ALL
SELECT 'operator family', n.nspname::text, f.opfname::text || ' USING ' || am.amname::text
  FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace JOIN pg_am am ON am.oid = f.opfmethod
 WHERE f.oid >= 16384
   AND ('pg_opfamily'::regclass, f.oid) NOT IN (SELECT classid, objid FROM member)
   -- CREATE OPERATOR CLASS makes a family of the same name: it is named once, as the class
   AND NOT EXISTS (SELECT 1 FROM pg_opclass c WHERE c.opcfamily = f.oid AND c.opcname = f.opfname
                                                AND c.opcnamespace = f.opfnamespace)
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

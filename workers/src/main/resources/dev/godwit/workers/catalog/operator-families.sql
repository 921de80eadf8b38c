-- Operator families outside system schemas and extensions, with their "loose" members (operators and support
-- functions added by ALTER OPERATOR FAMILY … ADD, not bound to one of its classes) as ADD clauses. implied: a class
-- of the same name and schema is in it, so CREATE OPERATOR CLASS makes the family and pg_dump does not print it
-- unless it has loose members.
WITH bound(classid, objid) AS (SELECT classid, objid FROM pg_depend WHERE refclassid = 'pg_opclass'::regclass)
SELECT n.nspname AS schema,
       f.opfname AS name,
       am.amname AS method,
       ARRAY(SELECT 'OPERATOR ' || o.amopstrategy || ' ' || o.amopopr::regoperator::text
                    || CASE WHEN o.amoppurpose = 'o'
                            THEN ' FOR ORDER BY ' || quote_ident(sn.nspname) || '.' || quote_ident(sf.opfname)
                            ELSE '' END
               FROM pg_amop o
               LEFT JOIN pg_opfamily sf ON sf.oid = o.amopsortfamily
               LEFT JOIN pg_namespace sn ON sn.oid = sf.opfnamespace
              WHERE o.amopfamily = f.oid
                AND ('pg_amop'::regclass, o.oid) NOT IN (SELECT classid, objid FROM bound)
              ORDER BY o.amopstrategy, o.oid)
       || ARRAY(SELECT 'FUNCTION ' || p.amprocnum || ' (' || format_type(p.amproclefttype, NULL) || ', '
                       || format_type(p.amprocrighttype, NULL) || ') ' || p.amproc::regprocedure::text
                  FROM pg_amproc p
                 WHERE p.amprocfamily = f.oid
                   AND ('pg_amproc'::regclass, p.oid) NOT IN (SELECT classid, objid FROM bound)
                 ORDER BY p.amprocnum, p.oid) AS loose_members,
       EXISTS (SELECT 1 FROM pg_opclass c
                WHERE c.opcfamily = f.oid AND c.opcname = f.opfname AND c.opcnamespace = f.opfnamespace) AS implied,
       obj_description(f.oid, 'pg_opfamily') AS comment
  FROM pg_opfamily f
  JOIN pg_namespace n ON n.oid = f.opfnamespace
  JOIN pg_am am ON am.oid = f.opfmethod
 WHERE f.oid >= 16384
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT EXISTS (SELECT 1 FROM pg_depend x
                    WHERE x.classid = 'pg_opfamily'::regclass AND x.objid = f.oid AND x.deptype = 'e')
 ORDER BY n.nspname, f.opfname, am.amname

-- Operator classes outside system schemas and extensions, with the operators and support functions bound to them
-- (those CREATE OPERATOR CLASS lists, as pg_dump prints them: operators with their argument types), their family
-- and storage type.
SELECT n.nspname AS schema,
       c.opcname AS name,
       am.amname AS method,
       c.opcdefault AS is_default,
       format_type(c.opcintype, NULL) AS type,
       quote_ident(fn.nspname) || '.' || quote_ident(f.opfname) AS family,
       (f.opfname = c.opcname AND f.opfnamespace = c.opcnamespace) AS own_family,
       ARRAY(SELECT 'OPERATOR ' || o.amopstrategy || ' ' || o.amopopr::regoperator::text
                    || CASE WHEN o.amoppurpose = 'o'
                            THEN ' FOR ORDER BY ' || quote_ident(sn.nspname) || '.' || quote_ident(sf.opfname)
                            ELSE '' END
               FROM pg_amop o
               JOIN pg_depend d ON d.classid = 'pg_amop'::regclass AND d.objid = o.oid
                               AND d.refclassid = 'pg_opclass'::regclass AND d.refobjid = c.oid
               LEFT JOIN pg_opfamily sf ON sf.oid = o.amopsortfamily
               LEFT JOIN pg_namespace sn ON sn.oid = sf.opfnamespace
              ORDER BY o.amopstrategy, o.oid)
       || ARRAY(SELECT 'FUNCTION ' || p.amprocnum || ' (' || format_type(p.amproclefttype, NULL) || ', '
                       || format_type(p.amprocrighttype, NULL) || ') ' || p.amproc::regprocedure::text
                  FROM pg_amproc p
                  JOIN pg_depend d ON d.classid = 'pg_amproc'::regclass AND d.objid = p.oid
                                  AND d.refclassid = 'pg_opclass'::regclass AND d.refobjid = c.oid
                 ORDER BY p.amprocnum, p.oid) AS members,
       CASE WHEN c.opckeytype <> 0 THEN format_type(c.opckeytype, NULL) END AS storage,
       obj_description(c.oid, 'pg_opclass') AS comment
  FROM pg_opclass c
  JOIN pg_namespace n ON n.oid = c.opcnamespace
  JOIN pg_am am ON am.oid = c.opcmethod
  JOIN pg_opfamily f ON f.oid = c.opcfamily
  JOIN pg_namespace fn ON fn.oid = f.opfnamespace
 WHERE c.oid >= 16384
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT EXISTS (SELECT 1 FROM pg_depend x
                    WHERE x.classid = 'pg_opclass'::regclass AND x.objid = c.oid AND x.deptype = 'e')
 ORDER BY n.nspname, c.opcname, am.amname

-- User-defined operators outside system schemas and extensions, with what CREATE OPERATOR needs: the function
-- and the estimators by qualified name (a regproc prints an overloaded name as a number), the commutator and
-- negator as schema.operator. Shell operators (no function yet) are left out.
WITH named_proc AS (SELECT p.oid, quote_ident(pn.nspname) || '.' || quote_ident(p.proname) AS name
                      FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace),
     named_op AS (SELECT o.oid, 'OPERATOR(' || quote_ident(n.nspname) || '.' || o.oprname || ')' AS name
                    FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace)
SELECT o.oid,
       n.nspname AS schema,
       o.oprname AS name,
       CASE WHEN o.oprleft <> 0 THEN format_type(o.oprleft, NULL) END AS left_type,
       CASE WHEN o.oprright <> 0 THEN format_type(o.oprright, NULL) END AS right_type,
       f.name AS function,
       o.oprcode::int8 AS function_oid,
       com.name AS commutator,
       neg.name AS negator,
       rest.name AS restrict,
       jn.name AS join_estimator,
       o.oprcanhash AS hashes,
       o.oprcanmerge AS merges,
       obj_description(o.oid, 'pg_operator') AS comment
  FROM pg_operator o
  JOIN pg_namespace n ON n.oid = o.oprnamespace
  JOIN named_proc f ON f.oid = o.oprcode
  LEFT JOIN named_op com ON com.oid = o.oprcom
  LEFT JOIN named_op neg ON neg.oid = o.oprnegate
  LEFT JOIN named_proc rest ON rest.oid = o.oprrest
  LEFT JOIN named_proc jn ON jn.oid = o.oprjoin
 WHERE o.oid >= 16384
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e')
 ORDER BY n.nspname, o.oprname, o.oid

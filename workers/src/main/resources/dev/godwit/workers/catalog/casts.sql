-- User-defined casts (not built in, not an extension's), with the schemas of their source type, target type and
-- function: the writer carries a cast when one of them is a selected schema. The function is printed with its
-- argument types, as WITH FUNCTION needs it.
SELECT format_type(c.castsource, NULL) AS source,
       format_type(c.casttarget, NULL) AS target,
       c.castmethod::text AS method,
       c.castcontext::text AS context,
       CASE WHEN c.castfunc <> 0 THEN c.castfunc::regprocedure::text END AS function,
       c.castfunc::int8 AS function_oid,
       ARRAY[sn.nspname::text, tn.nspname::text]
           || CASE WHEN fn.nspname IS NULL THEN '{}'::text[] ELSE ARRAY[fn.nspname::text] END AS schemas,
       obj_description(c.oid, 'pg_cast') AS comment
  FROM pg_cast c
  JOIN pg_type s ON s.oid = c.castsource
  JOIN pg_namespace sn ON sn.oid = s.typnamespace
  JOIN pg_type t ON t.oid = c.casttarget
  JOIN pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_proc f ON f.oid = c.castfunc
  LEFT JOIN pg_namespace fn ON fn.oid = f.pronamespace
 WHERE c.oid >= 16384
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_cast'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY 1, 2

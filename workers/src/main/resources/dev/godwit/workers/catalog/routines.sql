-- Functions, procedures, window functions and aggregates outside system schemas and extensions (CREATE EXTENSION
-- makes those). pg_get_functiondef cannot print an aggregate, so an aggregate's parts come from pg_aggregate and the
-- writer builds CREATE AGGREGATE from them. relations: the tables and views whose row type the signature (or an
-- aggregate's state type) is built on, directly or through arrays, domains, composite attributes and range subtypes,
-- or that a SQL-standard body (BEGIN ATOMIC, 14+) uses; and those of the routines it needs (an aggregate's support
-- functions, the functions a SQL-standard body calls). Such a routine can be created only after them. Other bodies
-- record no dependencies at all, which is why the writer creates them with check_function_bodies off.
SELECT p.oid,
       n.nspname AS schema,
       p.proname AS name,
       p.prokind::text AS kind,
       pg_get_function_identity_arguments(p.oid) AS identity_arguments,
       l.lanname AS language,
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition,
       p.proargnames AS argument_names,
       p.proargmodes::text[] AS argument_modes,
       p.probin AS library,
       (SELECT substr(c, 13) FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%') AS search_path,
       ARRAY(WITH RECURSIVE procs(oid) AS (
                 SELECT p.oid
                 UNION
                 SELECT d.refobjid
                   FROM procs x
                   JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = x.oid
                                   AND d.refclassid = 'pg_proc'::regclass AND d.deptype = 'n'),
             reach(type_oid) AS (
                 SELECT d.refobjid
                   FROM procs x
                   JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = x.oid
                                   AND d.refclassid = 'pg_type'::regclass AND d.deptype = 'n'
                 UNION
                 SELECT dep.type_oid
                   FROM reach x
                   JOIN pg_type y ON y.oid = x.type_oid
                  CROSS JOIN LATERAL (
                      SELECT y.typelem WHERE y.typelem <> 0 AND y.typlen = -1
                      UNION ALL
                      SELECT y.typbasetype WHERE y.typtype = 'd'
                      UNION ALL
                      SELECT a.atttypid
                        FROM pg_attribute a
                        JOIN pg_class c ON c.oid = a.attrelid
                       WHERE y.typtype = 'c' AND c.relkind = 'c' AND a.attrelid = y.typrelid AND a.attnum > 0
                         AND NOT a.attisdropped
                      UNION ALL
                      SELECT g.rngsubtype FROM pg_range g WHERE g.rngtypid = y.oid
                  ) AS dep(type_oid))
             SELECT DISTINCT r.oid::int8
               FROM pg_class r
              WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f')
                AND (r.reltype IN (SELECT type_oid FROM reach)
                     OR r.oid IN (SELECT d.refobjid
                                    FROM procs x
                                    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = x.oid
                                                    AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n')))
           AS relations,
       a.aggkind::text AS agg_kind,
       a.aggnumdirectargs AS agg_direct_args,
       CASE WHEN a.aggtransfn <> 0 THEN a.aggtransfn::regproc::text END AS agg_sfunc,
       format_type(a.aggtranstype, NULL) AS agg_stype,
       a.aggtransspace AS agg_sspace,
       CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::regproc::text END AS agg_finalfunc,
       a.aggfinalextra AS agg_finalfunc_extra,
       a.aggfinalmodify::text AS agg_finalfunc_modify,
       CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::regproc::text END AS agg_combinefunc,
       CASE WHEN a.aggserialfn <> 0 THEN a.aggserialfn::regproc::text END AS agg_serialfunc,
       CASE WHEN a.aggdeserialfn <> 0 THEN a.aggdeserialfn::regproc::text END AS agg_deserialfunc,
       a.agginitval AS agg_initcond,
       CASE WHEN a.aggmtransfn <> 0 THEN a.aggmtransfn::regproc::text END AS agg_msfunc,
       CASE WHEN a.aggminvtransfn <> 0 THEN a.aggminvtransfn::regproc::text END AS agg_minvfunc,
       CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS agg_mstype,
       a.aggmtransspace AS agg_msspace,
       CASE WHEN a.aggmfinalfn <> 0 THEN a.aggmfinalfn::regproc::text END AS agg_mfinalfunc,
       a.aggmfinalextra AS agg_mfinalfunc_extra,
       a.aggmfinalmodify::text AS agg_mfinalfunc_modify,
       a.aggminitval AS agg_minitcond,
       CASE WHEN a.aggsortop <> 0 THEN 'OPERATOR(' || quote_ident(opn.nspname) || '.' || op.oprname || ')' END
           AS agg_sortop,
       p.proparallel::text AS parallel,
       obj_description(p.oid, 'pg_proc') AS comment
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang
  LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
  LEFT JOIN pg_operator op ON op.oid = a.aggsortop
  LEFT JOIN pg_namespace opn ON opn.oid = op.oprnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%'
   AND n.nspname NOT LIKE 'pg\_temp\_%'
   AND NOT EXISTS (SELECT 1
                     FROM pg_depend x
                    WHERE x.classid = 'pg_proc'::regclass
                      AND x.objid = p.oid
                      AND x.deptype = 'e')
 ORDER BY n.nspname, p.proname, p.oid

-- Functions, procedures, window functions and aggregates outside system schemas and extensions (CREATE EXTENSION
-- makes those). pg_get_functiondef cannot print an aggregate, so an aggregate's parts come from pg_aggregate and the
-- writer builds CREATE AGGREGATE from them. relations: the tables and views whose row type is in the signature, or
-- that a SQL-standard body (BEGIN ATOMIC, 14+) uses; such a routine can be created only after them. Other bodies
-- record no dependencies at all, which is why the writer creates them with check_function_bodies off.
SELECT p.oid,
       n.nspname AS schema,
       p.proname AS name,
       p.prokind::text AS kind,
       pg_get_function_identity_arguments(p.oid) AS identity_arguments,
       l.lanname AS language,
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition,
       p.probin AS library,
       (SELECT substr(c, 13) FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%') AS search_path,
       ARRAY(SELECT DISTINCT r.oid::int8
               FROM pg_depend d
               LEFT JOIN pg_type t ON d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid
               LEFT JOIN pg_type e ON e.oid = t.typelem
               JOIN pg_class r ON r.oid = CASE WHEN d.refclassid = 'pg_class'::regclass THEN d.refobjid
                                               ELSE coalesce(nullif(t.typrelid, 0), e.typrelid) END
              WHERE d.classid = 'pg_proc'::regclass
                AND d.objid = p.oid
                AND d.deptype = 'n'
                AND r.relkind IN ('r', 'p', 'v', 'm', 'f')) AS relations,
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

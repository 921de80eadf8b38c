-- Text search configurations outside system schemas and extensions: their parser, and their mappings as
-- ALTER TEXT SEARCH CONFIGURATION … ADD MAPPING clauses, one per token type (named by the parser's ts_token_type),
-- the dictionaries in the order they are consulted.
SELECT n.nspname AS schema,
       c.cfgname AS name,
       quote_ident(pn.nspname) || '.' || quote_ident(p.prsname) AS parser,
       ARRAY(SELECT 'FOR ' || t.alias || ' WITH '
                    || string_agg(quote_ident(dn.nspname) || '.' || quote_ident(d.dictname), ', ' ORDER BY m.mapseqno)
               FROM pg_ts_config_map m
               JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype
               JOIN pg_ts_dict d ON d.oid = m.mapdict
               JOIN pg_namespace dn ON dn.oid = d.dictnamespace
              WHERE m.mapcfg = c.oid
              GROUP BY t.tokid, t.alias
              ORDER BY t.tokid) AS mappings,
       obj_description(c.oid, 'pg_ts_config') AS comment
  FROM pg_ts_config c
  JOIN pg_namespace n ON n.oid = c.cfgnamespace
  JOIN pg_ts_parser p ON p.oid = c.cfgparser
  JOIN pg_namespace pn ON pn.oid = p.prsnamespace
 WHERE c.oid >= 16384
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT EXISTS (SELECT 1 FROM pg_depend x
                    WHERE x.classid = 'pg_ts_config'::regclass AND x.objid = c.oid AND x.deptype = 'e')
 ORDER BY n.nspname, c.cfgname

-- Text search dictionaries outside system schemas and extensions: their template by qualified name and their
-- options as CREATE TEXT SEARCH DICTIONARY takes them (dictinitoption: language = 'english', stopwords = 'english').
SELECT n.nspname AS schema,
       d.dictname AS name,
       quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname) AS template,
       d.dictinitoption AS options,
       obj_description(d.oid, 'pg_ts_dict') AS comment
  FROM pg_ts_dict d
  JOIN pg_namespace n ON n.oid = d.dictnamespace
  JOIN pg_ts_template t ON t.oid = d.dicttemplate
  JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
 WHERE d.oid >= 16384
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT EXISTS (SELECT 1 FROM pg_depend x
                    WHERE x.classid = 'pg_ts_dict'::regclass AND x.objid = d.oid AND x.deptype = 'e')
 ORDER BY n.nspname, d.dictname

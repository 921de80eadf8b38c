-- Columns of the selected relations, in attnum order with the gaps that dropped columns leave (a binary COPY and
-- pgoutput's relation messages both follow the physical order). Dropped columns never appear.
SELECT a.attrelid AS relid,
       a.attnum,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.atttypid AS type_oid,
       a.atttypmod AS type_modifier,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default_expression,
       a.attidentity::text AS identity,
       -- stored ('s') or, on PostgreSQL 18, virtual ('v'): never written on the target, never in the stream
       CASE WHEN a.attgenerated IN ('s', 'v') THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated_expression,
       a.attgenerated = 'v' AS virtual_generated,
       -- only a collation that differs from the type's own default has to be spelled out in the DDL
       CASE WHEN a.attcollation <> t.typcollation
            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation,
       tn.nspname AS type_schema,
       t.typname AS type_name,
       t.typtype::text AS type_category,
       -- a true array type: varlena with an element type (point and name have typelem but a fixed length)
       (t.typelem <> 0 AND t.typlen = -1) AS is_array,
       -- oid, or a domain over it however deep (the lo extension's lo is one): the values point at large objects,
       -- which a copy of the rows does not carry
       (WITH RECURSIVE base(oid, typtype, typbasetype) AS (
            SELECT t.oid, t.typtype, t.typbasetype
            UNION ALL
            SELECT b.oid, b.typtype, b.typbasetype FROM base JOIN pg_type b ON b.oid = base.typbasetype
             WHERE base.typtype = 'd')
        SELECT bool_or(base.oid = 'pg_catalog.oid'::regtype) FROM base) AS large_object,
       col_description(a.attrelid, a.attnum) AS comment
  FROM pg_attribute a
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
 WHERE a.attrelid = ANY (?::int8[]::oid[])
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum

-- Attributes of the listed composite types, in attnum order, dropped ones left out.
SELECT t.oid AS type_oid,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.atttypid AS attribute_type_oid,
       CASE WHEN a.attcollation <> at.typcollation
            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation
  FROM pg_type t
  JOIN pg_attribute a ON a.attrelid = t.typrelid
  JOIN pg_type at ON at.oid = a.atttypid
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
 WHERE t.oid = ANY (?::int8[]::oid[])
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY t.oid, a.attnum

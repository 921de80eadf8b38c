-- PostgreSQL 14+: columns with a compression method other than the server default (attcompression does not exist
-- before 14, so the reader runs this query only on 14 and later).
SELECT a.attrelid AS relid, a.attnum,
       CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END AS compression
  FROM pg_attribute a
 WHERE a.attrelid = ANY (?::int8[]::oid[])
   AND a.attnum > 0
   AND NOT a.attisdropped
   AND a.attcompression <> ''

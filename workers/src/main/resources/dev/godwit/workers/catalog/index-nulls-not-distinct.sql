-- PostgreSQL 15+: unique indexes that treat NULLs as equal (indnullsnotdistinct does not exist before 15).
SELECT i.indrelid AS relid, ic.relname AS name
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
 WHERE i.indrelid = ANY (?::int8[]::oid[])
   AND i.indnullsnotdistinct

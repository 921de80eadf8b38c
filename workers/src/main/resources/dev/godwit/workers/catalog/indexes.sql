-- Indexes of the selected relations, with their key columns (or expression texts) in key order and the INCLUDE
-- columns apart. constraint_name names the PRIMARY KEY, UNIQUE or EXCLUDE constraint the index backs; a foreign key
-- also points at an index (the referenced one), hence the conrelid and contype conditions.
SELECT i.indrelid AS relid,
       ic.relname AS name,
       pg_get_indexdef(i.indexrelid) AS definition,
       i.indisprimary AS is_primary,
       i.indisunique AS is_unique,
       i.indisreplident AS is_replident,
       i.indpred IS NOT NULL AS is_partial,
       i.indisvalid AS is_valid,
       ic.relispartition AS is_attached_partition_index,
       con.conname AS constraint_name,
       ARRAY(SELECT CASE WHEN k.attnum <> 0 THEN att.attname::text
                         ELSE pg_get_indexdef(i.indexrelid, k.ord::int, true) END
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum
              WHERE k.ord <= i.indnkeyatts
              ORDER BY k.ord) AS key_columns,
       ARRAY(SELECT att.attname::text
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum
              WHERE k.ord > i.indnkeyatts
              ORDER BY k.ord) AS included_columns,
       ts.spcname AS tablespace
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace
  LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid
                             AND con.conrelid = i.indrelid
                             AND con.contype IN ('p', 'u', 'x')
 WHERE i.indrelid = ANY (?::int8[]::oid[])
 ORDER BY i.indrelid, ic.relname

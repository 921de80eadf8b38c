-- Table constraints of the selected relations. NOT NULL (contype 'n', PostgreSQL 18) is a column property and
-- constraint triggers ('t') are triggers, so both stay out. key_columns is conkey in key order.
SELECT con.conrelid AS relid,
       con.conname AS name,
       con.contype::text AS type,
       pg_get_constraintdef(con.oid, true) AS definition,
       (con.conparentid <> 0 OR NOT con.conislocal) AS inherited,
       con.confrelid AS referenced_oid,
       con.convalidated AS validated,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       ARRAY(SELECT att.attname::text
               FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.attnum
              ORDER BY k.ord) AS key_columns
  FROM pg_constraint con
 WHERE con.conrelid = ANY (?::int8[]::oid[])
   AND con.contype IN ('p', 'u', 'c', 'f', 'x')
 ORDER BY con.conrelid, con.conname

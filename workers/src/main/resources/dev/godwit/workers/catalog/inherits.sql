-- Parents of the selected relations: the partition parent and, for plain inheritance, every parent in the order
-- the child lists them (inhseqno), which is the order CREATE TABLE ... INHERITS needs.
SELECT i.inhrelid AS child, i.inhparent AS parent, c.relispartition AS is_partition
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhrelid = ANY (?::int8[]::oid[])
 ORDER BY i.inhrelid, i.inhseqno

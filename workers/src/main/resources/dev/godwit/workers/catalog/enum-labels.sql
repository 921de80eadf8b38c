-- Labels of the listed enum types in sort order (enumsortorder, which ALTER TYPE ... ADD VALUE BEFORE can make
-- differ from the oid order).
SELECT e.enumtypid AS type_oid, e.enumlabel AS label
  FROM pg_enum e
 WHERE e.enumtypid = ANY (?::int8[]::oid[])
 ORDER BY e.enumtypid, e.enumsortorder

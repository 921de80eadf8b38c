-- The user types that the relations' columns need, and every other user type of a user schema, followed
-- recursively through array element types, domain base types, composite attributes, range subtypes and multirange ranges.
-- pg_range.rngmultitypid exists only on 14+, so it is read through to_jsonb(r), which is NULL-safe on 12 and 13.
-- Out: types of system schemas, array types (their element is listed), multiranges (CREATE TYPE ... AS RANGE makes
-- them) and the row types of tables (the table makes them).
-- relations: the tables and views a type is built on (a domain over a table's row type, a composite with such an
-- attribute); the writer creates such a type after the tables.
WITH RECURSIVE used(type_oid) AS (
    SELECT seed.type_oid
      FROM (SELECT a.atttypid
              FROM pg_attribute a
             WHERE a.attrelid = ANY (?::int8[]::oid[])
               AND a.attnum > 0
               AND NOT a.attisdropped
            UNION
            -- and every enum, domain, range and composite type of a user schema, used by a column or not: the
            -- writer creates those of the selected schemas (functions may take or return them)
            SELECT t.oid
              FROM pg_type t
              JOIN pg_namespace n ON n.oid = t.typnamespace
              LEFT JOIN pg_class rel ON rel.oid = t.typrelid
             WHERE t.typtype IN ('c', 'd', 'e', 'r')
               AND (t.typtype <> 'c' OR rel.relkind = 'c')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\_toast%'
               AND n.nspname NOT LIKE 'pg\_temp\_%'
               AND NOT EXISTS (SELECT 1 FROM pg_depend x
                                WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid AND x.deptype = 'e')
           ) AS seed(type_oid)
    UNION
    SELECT dep.type_oid
      FROM used u
      JOIN pg_type t ON t.oid = u.type_oid
     CROSS JOIN LATERAL (
         SELECT t.typelem WHERE t.typelem <> 0 AND t.typlen = -1
         UNION ALL
         SELECT t.typbasetype WHERE t.typtype = 'd'
         UNION ALL
         SELECT a.atttypid
           FROM pg_attribute a
          WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
         UNION ALL
         SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid
         UNION ALL
         SELECT r.rngtypid FROM pg_range r WHERE t.typtype = 'm' AND (to_jsonb(r) ->> 'rngmultitypid')::oid = t.oid
     ) AS dep(type_oid)
)
SELECT t.oid,
       n.nspname AS schema,
       t.typname AS name,
       t.typtype::text AS kind,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS domain_base_type,
       t.typdefault AS domain_default,
       t.typnotnull AS domain_not_null,
       CASE WHEN t.typtype = 'r' THEN format_type(r.rngsubtype, NULL) END AS range_subtype,
       CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END AS range_subtype_diff,
       CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END AS range_canonical,
       e.extname AS extension,
       -- the tables and views whose row type this type is built on, through arrays, domains, composite attributes
       -- and range subtypes: such a type can be created only after them
       ARRAY(WITH RECURSIVE reach(type_oid) AS (
                 SELECT t.oid
                 UNION
                 SELECT dep.type_oid
                   FROM reach x
                   JOIN pg_type y ON y.oid = x.type_oid
                  CROSS JOIN LATERAL (
                      SELECT y.typelem WHERE y.typelem <> 0 AND y.typlen = -1
                      UNION ALL
                      SELECT y.typbasetype WHERE y.typtype = 'd'
                      UNION ALL
                      SELECT a.atttypid
                        FROM pg_attribute a
                        JOIN pg_class c ON c.oid = a.attrelid
                       WHERE y.typtype = 'c' AND c.relkind = 'c' AND a.attrelid = y.typrelid AND a.attnum > 0
                         AND NOT a.attisdropped
                      UNION ALL
                      SELECT g.rngsubtype FROM pg_range g WHERE g.rngtypid = y.oid
                  ) AS dep(type_oid))
             SELECT DISTINCT c.oid::int8
               FROM reach x
               JOIN pg_type y ON y.oid = x.type_oid
               JOIN pg_class c ON c.oid = y.typrelid
              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')) AS relations,
       obj_description(t.oid, 'pg_type') AS comment
  FROM (SELECT DISTINCT type_oid FROM used) u
  JOIN pg_type t ON t.oid = u.type_oid
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_class rel ON rel.oid = t.typrelid
  LEFT JOIN pg_range r ON r.rngtypid = t.oid
  LEFT JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  LEFT JOIN pg_extension e ON e.oid = d.refobjid
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
   AND NOT (t.typelem <> 0 AND t.typlen = -1)
   AND (t.typtype <> 'c' OR rel.relkind = 'c')
 ORDER BY n.nspname, t.typname

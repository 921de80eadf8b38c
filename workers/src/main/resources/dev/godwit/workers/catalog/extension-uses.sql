-- Which schemas hold objects that depend on a member of an extension (a column of its type, an index with its
-- operator class, a default calling its function, a function in its language): the extension must exist on the
-- target before them. Objects that are themselves extension members are left out. A default's schema is its
-- table's (pg_identify_object gives none for it). Function bodies record no dependencies, so this misses an
-- extension only called inside one; the writer also takes the extensions installed in the selected schemas.
SELECT DISTINCT e.extname AS extension,
       coalesce(adn.nspname, o.schema) AS schema
  FROM pg_depend d
  JOIN pg_depend m ON m.classid = d.refclassid AND m.objid = d.refobjid AND m.deptype = 'e'
  JOIN pg_extension e ON e.oid = m.refobjid
  LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid
  LEFT JOIN pg_class adc ON adc.oid = ad.adrelid
  LEFT JOIN pg_namespace adn ON adn.oid = adc.relnamespace
 CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, 0) o
 WHERE d.deptype IN ('n', 'a')
   AND NOT EXISTS (SELECT 1
                     FROM pg_depend x
                    WHERE x.classid = d.classid
                      AND x.objid = d.objid
                      AND x.deptype = 'e')
   AND coalesce(adn.nspname, o.schema) IS NOT NULL
   AND coalesce(adn.nspname, o.schema) NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 1, 2

-- The owner and privileges of every object of the user schemas the writer may create: schemas, relations (tables,
-- partitions, views, materialized views, foreign tables), sequences, columns that have column-level grants,
-- routines and user types. Extension members are left out: CREATE EXTENSION makes them with their own privileges.
-- granted_*: the ACL exploded, or the owner's default when the ACL is NULL (never changed); default_*: the default
-- for the same owner, which is what CREATE gives a new object, so that the writer grants and revokes only the
-- difference, as pg_dump does. Both are read on the source, so a privilege one version adds to the owner's default
-- (MAINTAIN on 17) is never revoked on a target of another. A grantee '' is PUBLIC. A column's default is empty.
-- aclexplode refuses an empty ACL (every privilege revoked, even the owner's), hence the cardinality tests.
WITH objects AS (
    SELECT 'schema' AS kind, 'pg_namespace'::regclass AS class, n.oid, n.nspname AS schema, n.nspname AS name,
           NULL::name AS column_name, n.nspowner AS owner, n.nspacl AS acl, 'n'::"char" AS default_kind
      FROM pg_namespace n
    UNION ALL
    SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'relation' END, 'pg_class'::regclass, c.oid, n.nspname,
           c.relname, NULL, c.relowner, c.relacl, CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char"
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    UNION ALL
    SELECT 'column', 'pg_class'::regclass, c.oid, n.nspname, c.relname, a.attname, c.relowner, a.attacl, NULL
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE a.attacl IS NOT NULL
       AND a.attnum > 0
       AND NOT a.attisdropped
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    UNION ALL
    SELECT 'routine', 'pg_proc'::regclass, p.oid, n.nspname, p.proname, NULL, p.proowner, p.proacl, 'f'
      FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace
    UNION ALL
    SELECT 'type', 'pg_type'::regclass, t.oid, n.nspname, t.typname, NULL, t.typowner, t.typacl, 'T'
      FROM pg_type t
      JOIN pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_class r ON r.oid = t.typrelid
     WHERE t.typtype IN ('c', 'd', 'e', 'r')
       AND (t.typtype <> 'c' OR r.relkind = 'c')
)
SELECT o.kind,
       o.oid::int8 AS oid,
       o.schema,
       o.name,
       o.column_name,
       pg_get_userbyid(o.owner) AS owner,
       granted.grantees AS granted_grantees,
       granted.privileges AS granted_privileges,
       granted.grantable AS granted_grantable,
       initial.grantees AS default_grantees,
       initial.privileges AS default_privileges,
       initial.grantable AS default_grantable
  FROM objects o
 CROSS JOIN LATERAL (SELECT CASE WHEN o.default_kind IS NULL THEN o.acl
                                 ELSE coalesce(o.acl, acldefault(o.default_kind, o.owner)) END AS acl) effective
 CROSS JOIN LATERAL (
       SELECT coalesce(array_agg(CASE WHEN e.grantee = 0 THEN '' ELSE pg_get_userbyid(e.grantee) END
                                 ORDER BY e.grantee, e.privilege_type), '{}') AS grantees,
              coalesce(array_agg(e.privilege_type ORDER BY e.grantee, e.privilege_type), '{}') AS privileges,
              coalesce(array_agg(e.is_grantable ORDER BY e.grantee, e.privilege_type), '{}') AS grantable
         FROM aclexplode(CASE WHEN cardinality(effective.acl) > 0 THEN effective.acl END) e) granted
 CROSS JOIN LATERAL (
       SELECT coalesce(array_agg(CASE WHEN e.grantee = 0 THEN '' ELSE pg_get_userbyid(e.grantee) END
                                 ORDER BY e.grantee, e.privilege_type), '{}') AS grantees,
              coalesce(array_agg(e.privilege_type ORDER BY e.grantee, e.privilege_type), '{}') AS privileges,
              coalesce(array_agg(e.is_grantable ORDER BY e.grantee, e.privilege_type), '{}') AS grantable
         FROM aclexplode(CASE WHEN o.default_kind IS NULL THEN NULL
                              ELSE acldefault(o.default_kind, o.owner) END) e) initial
 WHERE o.schema NOT IN ('pg_catalog', 'information_schema')
   AND o.schema NOT LIKE 'pg\_toast%'
   AND o.schema NOT LIKE 'pg\_temp\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend x
                    WHERE x.classid = o.class AND x.objid = o.oid AND x.deptype = 'e')
 ORDER BY o.kind, o.schema, o.name, o.column_name

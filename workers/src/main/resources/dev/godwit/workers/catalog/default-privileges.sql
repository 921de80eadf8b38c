-- ALTER DEFAULT PRIVILEGES: the privileges a role's future objects of one kind get, in one schema or (schema NULL)
-- in every schema. A schema's entry only adds to the default; an entry for every schema replaces the default, so its
-- default_* (acldefault for that role) is read too, for the writer to revoke what it took away, as pg_dump does.
-- object_type: r tables, S sequences, f functions, T types, n schemas. A grantee '' is PUBLIC.
SELECT pg_get_userbyid(d.defaclrole) AS role,
       n.nspname AS schema,
       d.defaclobjtype::text AS object_type,
       granted.grantees AS granted_grantees,
       granted.privileges AS granted_privileges,
       granted.grantable AS granted_grantable,
       initial.grantees AS default_grantees,
       initial.privileges AS default_privileges,
       initial.grantable AS default_grantable
  FROM pg_default_acl d
  LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
 CROSS JOIN LATERAL (
       SELECT coalesce(array_agg(CASE WHEN e.grantee = 0 THEN '' ELSE pg_get_userbyid(e.grantee) END
                                 ORDER BY e.grantee, e.privilege_type), '{}') AS grantees,
              coalesce(array_agg(e.privilege_type ORDER BY e.grantee, e.privilege_type), '{}') AS privileges,
              coalesce(array_agg(e.is_grantable ORDER BY e.grantee, e.privilege_type), '{}') AS grantable
         FROM aclexplode(CASE WHEN cardinality(d.defaclacl) > 0 THEN d.defaclacl END) e) granted
 CROSS JOIN LATERAL (
       SELECT coalesce(array_agg(CASE WHEN e.grantee = 0 THEN '' ELSE pg_get_userbyid(e.grantee) END
                                 ORDER BY e.grantee, e.privilege_type), '{}') AS grantees,
              coalesce(array_agg(e.privilege_type ORDER BY e.grantee, e.privilege_type), '{}') AS privileges,
              coalesce(array_agg(e.is_grantable ORDER BY e.grantee, e.privilege_type), '{}') AS grantable
         FROM aclexplode(CASE WHEN d.defaclnamespace <> 0 THEN NULL
                              ELSE acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END,
                                              d.defaclrole) END) e) initial
 ORDER BY 1, 2 NULLS FIRST, 3

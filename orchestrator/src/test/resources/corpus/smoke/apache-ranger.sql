-- Apache Ranger after the cutover: the admin server's own statements, run on the source and on the target alike; every
-- line they print must be the same. Its keys come from sequences that no column owns (DEFAULT nextval): the same
-- keys on both sides prove that each of those sequences was set at the cutover.
INSERT INTO x_portal_user (create_time, update_time, first_name, login_id, password, email, status)
VALUES (timestamp '2026-02-01', timestamp '2026-02-01', 'Smoke', 'smoke', 'x', 'smoke@example.com', 1) RETURNING id;
INSERT INTO x_user (create_time, user_name, status) VALUES (timestamp '2026-02-01', 'smoke', 1) RETURNING id;
INSERT INTO x_group (create_time, group_name) VALUES (timestamp '2026-02-01', 'smokers') RETURNING id;
INSERT INTO x_group_users (group_name, p_group_id, user_id)
SELECT 'smokers', (SELECT id FROM x_group WHERE group_name = 'smokers'), id FROM x_user WHERE user_name = 'smoke'
RETURNING id;
INSERT INTO x_policy (service, name, is_enabled)
SELECT id, 'smoke policy', true FROM x_service WHERE name = 'warehouse_prod' RETURNING id, zone_id, policy_priority;
INSERT INTO x_policy_item (policy_id) SELECT max(id) FROM x_policy RETURNING id, delegate_admin, is_enabled;
INSERT INTO x_trx_log_v2 (object_name, action) VALUES ('smoke policy', 'create') RETURNING id;
INSERT INTO x_auth_sess (login_id, auth_time, req_ip) VALUES ('smoke', timestamp '2026-02-01', '10.1.1.1') RETURNING id;
INSERT INTO x_db_version_h (version, inst_at, inst_by, updated_at, updated_by, active)
VALUES ('SMOKE', timestamp '2026-02-01', 'smoke', timestamp '2026-02-01', 'smoke', 'Y') RETURNING id;
INSERT INTO x_modules_master (create_time, update_time, module, url)
VALUES (timestamp '2026-02-01', timestamp '2026-02-01', 'Smoke', '') RETURNING id;
-- the next key of every sequence of the schema, in one list
SELECT string_agg(sequencename || '=' || coalesce(last_value::text, 'unused'), ' ' ORDER BY sequencename)
  FROM pg_sequences WHERE schemaname = 'public';
-- its functions and its view
SELECT getXportalUIdByLoginId('admin'), getXportalUIdByLoginId('smoke'), getModulesIdByName('Smoke');
SELECT principal_name, principal_type, status, is_visible FROM vx_principal ORDER BY principal_type, principal_name;
-- what the admin pages list
SELECT p.name, p.version, p.is_audit_enabled, count(DISTINCT a.id) AS accesses, count(DISTINCT up.id) AS users
  FROM x_policy p LEFT JOIN x_policy_item i ON i.policy_id = p.id
  LEFT JOIN x_policy_item_access a ON a.policy_item_id = i.id
  LEFT JOIN x_policy_item_user_perm up ON up.policy_item_id = i.id
 GROUP BY p.id, p.name, p.version, p.is_audit_enabled ORDER BY p.id;
SELECT g.group_name, count(gu.*) FROM x_group g LEFT JOIN x_group_users gu ON gu.p_group_id = g.id
 GROUP BY g.group_name ORDER BY 1;
SELECT version, active FROM x_db_version_h ORDER BY id DESC LIMIT 3;

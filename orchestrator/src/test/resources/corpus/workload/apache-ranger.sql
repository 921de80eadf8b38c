-- Apache Ranger's admin server while changes stream: users and groups synchronised, a service definition and a
-- service, policies with items and accesses, audit and session rows. Every key comes from a sequence that no column
-- owns, used through DEFAULT nextval (hand-written DDL), so the target must have each such sequence set at the
-- cutover. Ranger has no trigger, cascade, partition or RLS table.

-- the user sync: users, groups, memberships (one transaction per batch, as the sync posts them)
INSERT INTO x_user (create_time, update_time, added_by_id, user_name, descr, status, sync_source)
SELECT timestamp '2026-01-10 09:00' + g * interval '1 minute', timestamp '2026-01-10 09:00', getXportalUIdByLoginId('rangerusersync'),
       'analyst' || g, 'Analyst ' || g, 1, 'LDAP'
  FROM generate_series(1, 40) g;
INSERT INTO x_group (create_time, update_time, added_by_id, group_name, descr, status, group_src, sync_source)
SELECT timestamp '2026-01-10 09:00', timestamp '2026-01-10 09:00', getXportalUIdByLoginId('rangerusersync'),
       'team' || g, 'Team ' || g, 1, 1, 'LDAP'
  FROM generate_series(1, 6) g;
INSERT INTO x_group_users (create_time, update_time, group_name, p_group_id, user_id)
SELECT timestamp '2026-01-10 09:00', timestamp '2026-01-10 09:00', g.group_name, g.id, u.id
  FROM x_user u JOIN x_group g ON g.group_name = 'team' || (1 + substr(u.user_name, 8)::int % 6)
 WHERE u.user_name LIKE 'analyst%';

-- a service definition with its resource and access types, a service of it, and a policy per group
WITH d AS (INSERT INTO x_service_def (guid, create_time, update_time, added_by_id, version, name, display_name,
                                      impl_class_name, label, description, is_enabled)
           VALUES ('0d047247-bafe-4cf8-8e9b-d5d377284b2d', timestamp '2026-01-10 10:00', timestamp '2026-01-10 10:00',
                   getXportalUIdByLoginId('admin'), 1, 'warehouse', 'Warehouse', 'org.example.WarehouseService',
                   'Warehouse', 'a data warehouse', true)
           RETURNING id),
     r AS (INSERT INTO x_resource_def (def_id, item_id, name, type, res_level, mandatory)
           SELECT id, 1, 'table', 'string', 10, true FROM d RETURNING def_id)
INSERT INTO x_access_type_def (def_id, item_id, name, label, sort_order)
SELECT d.id, a.n, a.name, initcap(a.name), a.n FROM d, (VALUES (1, 'select'), (2, 'update'), (3, 'drop')) a (n, name);
INSERT INTO x_service (guid, create_time, update_time, added_by_id, version, type, name, display_name, policy_version,
                       description, is_enabled)
SELECT 'c8c07e4d-40c1-4a6c-9a7e-ff8b2e9b5b11', timestamp '2026-01-10 10:05', timestamp '2026-01-10 10:05',
       getXportalUIdByLoginId('admin'), 1, id, 'warehouse_prod', 'Warehouse (prod)', 1, 'production', true
  FROM x_service_def WHERE name = 'warehouse';
DO $$
DECLARE svc bigint := (SELECT id FROM x_service WHERE name = 'warehouse_prod');
        pol bigint; item bigint;
BEGIN
  FOR n IN 1..6 LOOP
    INSERT INTO x_policy (guid, create_time, update_time, version, service, name, resource_signature, is_enabled,
                          is_audit_enabled, policy_text)
    VALUES (md5('policy' || n), timestamp '2026-01-10 11:00' + n * interval '1 minute', timestamp '2026-01-10 11:00',
            1, svc, 'team' || n || ' tables', md5('signature' || n), true, true, '{"name":"team' || n || '"}')
    RETURNING id INTO pol;
    INSERT INTO x_policy_item (policy_id, sort_order, item_type) VALUES (pol, 0, 0) RETURNING id INTO item;
    INSERT INTO x_policy_item_access (policy_item_id, type, is_allowed)
    SELECT item, a.id, a.name <> 'drop' FROM x_access_type_def a
      JOIN x_service_def d ON d.id = a.def_id WHERE d.name = 'warehouse';
    INSERT INTO x_policy_item_user_perm (policy_item_id, user_id, sort_order)
    SELECT item, u.user_id, 0 FROM x_group_users u WHERE u.group_name = 'team' || n ORDER BY u.user_id LIMIT 3;
    INSERT INTO x_trx_log_v2 (create_time, added_by_id, class_type, object_id, object_name, action, trx_id)
    VALUES (timestamp '2026-01-10 11:00' + n * interval '1 minute', getXportalUIdByLoginId('admin'), 1020, pol,
            'team' || n || ' tables', 'create', 'trx-' || n);
    COMMIT;
  END LOOP;
END $$;

-- logins (sessions), a policy edited and another removed with its items, a user that left
INSERT INTO x_auth_sess (create_time, update_time, login_id, user_id, ext_sess_id, auth_time, auth_status, req_ip, req_ua)
SELECT timestamp '2026-01-11 08:00' + g * interval '5 minutes', timestamp '2026-01-11 08:00', 'admin',
       getXportalUIdByLoginId('admin'), 'sess-' || g, timestamp '2026-01-11 08:00' + g * interval '5 minutes', 1,
       '10.0.0.' || g, 'Mozilla/5.0'
  FROM generate_series(1, 25) g;
UPDATE x_policy SET version = version + 1, is_audit_enabled = false, update_time = timestamp '2026-01-11 09:00'
 WHERE name = 'team2 tables';
DELETE FROM x_policy_item_user_perm WHERE policy_item_id IN
  (SELECT i.id FROM x_policy_item i JOIN x_policy p ON p.id = i.policy_id WHERE p.name = 'team6 tables');
DELETE FROM x_policy_item_access WHERE policy_item_id IN
  (SELECT i.id FROM x_policy_item i JOIN x_policy p ON p.id = i.policy_id WHERE p.name = 'team6 tables');
DELETE FROM x_policy_item WHERE policy_id = (SELECT id FROM x_policy WHERE name = 'team6 tables');
DELETE FROM x_policy WHERE name = 'team6 tables';
DELETE FROM x_policy_item_user_perm WHERE user_id = (SELECT id FROM x_user WHERE user_name = 'analyst40');
DELETE FROM x_group_users WHERE user_id = (SELECT id FROM x_user WHERE user_name = 'analyst40');
DELETE FROM x_user WHERE user_name = 'analyst40';
UPDATE x_service SET policy_version = policy_version + 1, policy_update_time = timestamp '2026-01-11 09:00'
 WHERE name = 'warehouse_prod';

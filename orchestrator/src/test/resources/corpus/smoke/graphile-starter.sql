-- Graphile Starter after the cutover: the API's own statements, run on the source and on the target alike; every line
-- they print must be the same. Keys from gen_random_uuid, tokens from gen_random_bytes and timestamps from now() differ
-- from run to run, so they are printed as facts (present, later than) rather than values. The job queue's identity
-- keys are printed as they are: the same keys on both sides prove that its sequence was carried over.

-- logins: a right password (the session it creates), a wrong one (the attempt the function records)
SELECT s.uuid IS NOT NULL AS session, u.username FROM app_private.login('user_1', 'password' || substr(md5('user:1'), 1, 4)) s
  JOIN app_public.users u ON u.id = s.user_id;
SELECT app_private.login('user_21', 'wrong') IS NULL AS refused;
SELECT failed_password_attempts, first_failed_password_attempt IS NOT NULL AS recorded
  FROM app_private.user_secrets WHERE user_id = md5('user:21')::uuid;

-- as user_3 (a session the generator made)
SELECT set_config('jwt.claims.session_id', md5('session:3')::uuid::text, false) IS NOT NULL AS logged_in;
SELECT username, name, is_verified FROM app_public."current_user"();
SELECT count(*) AS member_of FROM app_public.current_user_member_organization_ids();
SELECT o.slug, app_public.organizations_current_user_is_owner(o) AS owner,
       app_public.organizations_current_user_is_billing_contact(o) AS billing
  FROM app_public.organizations o WHERE o.id IN (SELECT app_public.current_user_member_organization_ids()) ORDER BY o.slug;
SELECT slug, name, id IS NOT NULL AS has_id, created_at IS NOT NULL AS stamped
  FROM app_public.create_organization('smoke-test', 'Smoke Test');
SELECT count(*) AS memberships FROM app_public.organization_memberships m JOIN app_public.organizations o
    ON o.id = m.organization_id WHERE o.slug = 'smoke-test' AND m.is_owner;
-- a new address: its triggers write a secret and two jobs (audit, verification)
INSERT INTO app_public.user_emails (user_id, email) VALUES (app_public.current_user_id(), 'smoke@example.com')
RETURNING email, is_verified, is_primary, created_at = updated_at AS fresh;
SELECT s.verification_token IS NOT NULL AS token FROM app_private.user_email_secrets s
  JOIN app_public.user_emails e ON e.id = s.user_email_id WHERE e.email = 'smoke@example.com';
SELECT id, task_identifier, payload->>'type' AS type, payload->>'extra2' AS extra
  FROM graphile_worker.jobs ORDER BY id DESC LIMIT 3;
SELECT (graphile_worker.add_job('smoke', '{"a": 1}')).id AS job_id;
-- the last verified address cannot be removed (statement trigger with a transition table)
DO $$ BEGIN
  DELETE FROM app_public.user_emails WHERE user_id = md5('user:3')::uuid;
  RAISE NOTICE 'deleted every address';
EXCEPTION WHEN SQLSTATE 'CDLEA' THEN RAISE NOTICE 'refused: %', SQLERRM;
END $$;
-- a profile edit: the timestamps trigger moves updated_at past created_at
UPDATE app_public.users SET name = 'Three' WHERE id = app_public.current_user_id()
RETURNING username, name, updated_at > created_at AS touched;
SELECT u.username, app_public.users_has_password(u) FROM app_public.users u
 WHERE u.username IN ('user_1', 'user_2', 'godwit_1', 'godwit_2') ORDER BY 1;
RESET jwt.claims.session_id;

-- the API's role sees rows through the row-level security policies
SET ROLE graphile_starter_visitor;
SELECT set_config('jwt.claims.session_id', md5('session:3')::uuid::text, false) IS NOT NULL AS logged_in;
SELECT count(*) AS visible_organizations FROM app_public.organizations;
SELECT count(*) AS visible_emails FROM app_public.user_emails;
SELECT count(*) AS visible_memberships FROM app_public.organization_memberships;
RESET ROLE;
RESET jwt.claims.session_id;

-- what the application reads most
SELECT count(*), count(*) FILTER (WHERE is_verified) AS verified, count(*) FILTER (WHERE is_admin) AS admins
  FROM app_public.users;
SELECT o.slug, count(m.*) FROM app_public.organizations o LEFT JOIN app_public.organization_memberships m
    ON m.organization_id = o.id GROUP BY o.slug ORDER BY count(m.*) DESC, o.slug LIMIT 5;
SELECT task_identifier, count(*) FROM graphile_worker.jobs GROUP BY 1 ORDER BY 1;

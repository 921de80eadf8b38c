-- Graphile Starter while changes stream: what its GraphQL API does on behalf of users. Keys come from the column
-- defaults (gen_random_uuid) and the job queue's identity column; the application's triggers fill timestamps, secrets
-- and jobs, and deletes cascade (every FK is ON DELETE CASCADE) through rows of the RLS tables. The target must
-- receive all of it exactly once: its own triggers and FK actions must not run again on the replicated changes.

-- sign-ups through the application's function: a user, an e-mail, secrets, jobs (triggers), a password hash
SELECT count(app_private.really_create_user(('godwit_' || g)::citext, 'godwit.' || g || '@example.com', g % 2 = 0,
                                            'Godwit ' || g, NULL, 'correct horse ' || g))
  FROM generate_series(1, 12) g;

-- godwit_2 logs in and works as itself (the API sets the session in jwt.claims.session_id, per transaction)
INSERT INTO app_private.sessions (user_id) SELECT id FROM app_public.users WHERE username = 'godwit_2';
BEGIN;
SELECT set_config('jwt.claims.session_id', (SELECT s.uuid::text FROM app_private.sessions s
                   JOIN app_public.users u ON u.id = s.user_id WHERE u.username = 'godwit_2'), true);
SELECT (app_public.create_organization('godwit-labs', 'Godwit Labs')).slug;
SELECT (app_public.create_organization('short-lived', 'Short Lived')).slug;
SELECT app_public.invite_to_organization((SELECT id FROM app_public.organizations WHERE slug = 'godwit-labs'),
                                         'godwit_4', NULL);
SELECT app_public.invite_to_organization((SELECT id FROM app_public.organizations WHERE slug = 'godwit-labs'),
                                         NULL, 'friend@example.net');
-- a second address (fires the verification job and its secret), then a profile edit (timestamps, GraphQL notify)
INSERT INTO app_public.user_emails (user_id, email) VALUES (app_public.current_user_id(), 'godwit.2@example.org');
UPDATE app_public.users SET name = 'Godwit Two', avatar_url = 'https://example.com/a.png'
 WHERE id = app_public.current_user_id();
-- an organization deleted: its memberships and invitations cascade
SELECT app_public.delete_organization((SELECT id FROM app_public.organizations WHERE slug = 'short-lived'));
COMMIT;

-- godwit_4 accepts the invitation (a membership, the invitation deleted)
INSERT INTO app_private.sessions (user_id) SELECT id FROM app_public.users WHERE username = 'godwit_4';
BEGIN;
SELECT set_config('jwt.claims.session_id', (SELECT s.uuid::text FROM app_private.sessions s
                   JOIN app_public.users u ON u.id = s.user_id WHERE u.username = 'godwit_4'), true);
SELECT app_public.accept_invitation_to_organization(
           (SELECT i.id FROM app_public.organization_invitations i JOIN app_public.organizations o
                ON o.id = i.organization_id WHERE o.slug = 'godwit-labs' AND i.user_id IS NOT NULL));
COMMIT;

-- e-mail verification: an address verified (the trigger verifies the account), another made primary
UPDATE app_public.user_emails SET is_verified = true WHERE email IN ('godwit.1@example.com', 'godwit.3@example.com');
UPDATE app_public.user_emails SET is_primary = true WHERE email IN ('godwit.1@example.com', 'godwit.3@example.com');

-- profile edits by many users, one transaction each (timestamps trigger, GraphQL notifications)
DO $$
BEGIN
  FOR n IN 1..30 LOOP
    UPDATE app_public.users SET name = 'User ' || n || ' (edited)' WHERE username = 'user_' || (n * 7);
    COMMIT;
  END LOOP;
END $$;

-- an unverified second address removed (audit job), a linked account unlinked (audit job)
DELETE FROM app_public.user_emails WHERE email = 'alt.8@example.org';
DELETE FROM app_public.user_authentications WHERE identifier = '100010';

-- accounts deleted: e-mails, secrets, sessions, memberships, invitations and linked accounts cascade
DELETE FROM app_public.users WHERE username IN ('user_9', 'user_10', 'user_11', 'godwit_12');

-- housekeeping: expired web sessions and old password-reset attempts
DELETE FROM app_private.connect_pg_simple_sessions WHERE sid IN (SELECT sid FROM app_private.connect_pg_simple_sessions
                                                               ORDER BY expire LIMIT 20);
UPDATE app_private.unregistered_email_password_resets SET attempts = attempts + 1 WHERE email LIKE 'nobody.1%';

package dev.godwit.orchestrator.corpus;

import dev.godwit.workers.testkit.TestDatabase;

/**
 * Roles are cluster-wide, so a migration's target cluster needs the roles the source's grants and policies name before
 * the schema is applied; a DBA creates them first. This copies each role of the source cluster that the target lacks
 * (its name and whether it may log in, no password), and the memberships between them.
 */
final class ClusterRoles {
    private static final String ROLES = "SELECT format('CREATE ROLE %I %s', rolname, CASE WHEN rolcanlogin THEN 'LOGIN'"
            + " ELSE 'NOLOGIN' END) FROM pg_roles WHERE rolname !~ '^pg_' AND NOT rolsuper ORDER BY rolname";
    private static final String MEMBERSHIPS = "SELECT format('GRANT %I TO %I', r.rolname, m.rolname) FROM pg_auth_members a"
            + " JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member"
            + " WHERE r.rolname !~ '^pg_' AND m.rolname !~ '^pg_' AND NOT m.rolsuper ORDER BY 1";

    private ClusterRoles() {
    }

    static void copy(TestDatabase source, TestDatabase target) {
        for (String create : source.column(ROLES)) {
            String name = create.replaceFirst("^CREATE ROLE (.*) (NO)?LOGIN$", "$1");
            target.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE quote_ident(rolname) = "
                    + literal(name) + ") THEN " + create + "; END IF; END $$");
        }
        for (String grant : source.column(MEMBERSHIPS)) {
            target.execute(grant);
        }
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}

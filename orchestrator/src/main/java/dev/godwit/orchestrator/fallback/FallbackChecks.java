package dev.godwit.orchestrator.fallback;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fallback needs of both servers, checked before the cutover creates anything for it (and by {@code preflight}
 * when the task asks for a fallback): on the target, a logical slot and a publication of the migrated tables, each of
 * them able to publish its updates and deletes; on the source, writes to every migrated table and a replication origin
 * that records what was applied. Each finding says how to fix it.
 */
public final class FallbackChecks {
    private static final List<String> ORIGIN_FUNCTIONS = List.of("pg_replication_origin_create(text)",
            "pg_replication_origin_session_setup(text)", "pg_replication_origin_xact_setup(pg_lsn, timestamp with time zone)",
            "pg_replication_origin_progress(text, boolean)", "pg_replication_origin_advance(text, pg_lsn)",
            "pg_replication_origin_drop(text)");

    private FallbackChecks() {
    }

    /**
     * Refuses a cutover with fallback before anything is asked of the process that runs the task: mappings that do not
     * reverse are the task file's to change (exit code 2), a server that lacks something is for its administrator
     * (exit code 3); every finding is named with its fix.
     */
    public static void require(Task task, PgConnector source, PgConnector target, ControlSchema control)
            throws SQLException {
        try (Connection s = source.open("fallback check"); Connection t = target.open("fallback check")) {
            List<PlannedTable> tables = SchemaPlan.read(task, s)
                    .restrictedTo(new TaskStore(control, task.name()).tableKeys(t)).plan().tables();
            List<String> mappings = Reversibility.problems(tables);
            if (!mappings.isEmpty()) {
                throw new GodwitException(FailureKind.BAD_INPUT, "a fallback needs table mappings that reverse exactly"
                        + " (renames only: no row filter, no added, removed or retyped column, no merged or"
                        + " re-partitioned table), and these do not: " + String.join("; ", mappings)
                        + ". Nothing was changed; cut over without --with-fallback, or change the mappings");
            }
            List<Missing> servers = serverProblems(s, t, ReverseReplication.streamable(tables));
            if (!servers.isEmpty()) {
                throw new GodwitException(FailureKind.PREFLIGHT_BLOCKERS, "a fallback cannot be set up: "
                        + servers.stream().map(Missing::toString).collect(java.util.stream.Collectors.joining("; "))
                        + ". Nothing was changed");
            }
        }
    }

    /** The tables whose changes stream back (not the unlogged ones). */
    public static List<PlannedTable> streamable(List<PlannedTable> tables) {
        return ReverseReplication.streamable(tables);
    }

    /** Every blocker found; empty when the fallback can be set up. */
    public static List<String> problems(Connection source, Connection target, List<PlannedTable> tables)
            throws SQLException {
        List<String> problems = new ArrayList<>(Reversibility.problems(tables).stream()
                .map(p -> "mapping not reversible: " + p).toList());
        serverProblems(source, target, ReverseReplication.streamable(tables)).forEach(m -> problems.add(m.toString()));
        return problems;
    }

    /**
     * One thing a server lacks for a fallback.
     *
     * @param object what it concerns: a setting, a role, a table
     * @param fix    how to fix it
     */
    public record Missing(String check, String object, String problem, String fix) {
        @Override
        public String toString() {
            return problem + ": " + fix;
        }
    }

    /**
     * What the servers lack for a fallback (the mappings aside). A target table that does not exist yet (preflight of
     * a task not started) is checked on the source instead, whose key and replica identity the target gets.
     */
    public static List<Missing> serverProblems(Connection source, Connection target, List<PlannedTable> tables)
            throws SQLException {
        List<Missing> problems = new ArrayList<>();
        String targetRole = text(target, "SELECT current_user");
        String sourceRole = text(source, "SELECT current_user");
        String walLevel = text(target, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add(new Missing("fallback.target_wal_level", "wal_level", "target: wal_level is " + walLevel
                    + "; the reverse stream needs a logical slot on the target",
                    "ALTER SYSTEM SET wal_level = logical on the target, then restart it"));
        }
        if (!bool(target, "SELECT current_setting('max_replication_slots')::int > (SELECT count(*) FROM pg_replication_slots)")) {
            problems.add(new Missing("fallback.target_slots", "max_replication_slots", "target: no free replication slot"
                    + " (all " + text(target, "SHOW max_replication_slots") + " are used)",
                    "raise max_replication_slots on the target and restart it"));
        }
        if (!bool(target, "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
            problems.add(new Missing("fallback.target_replication", "role " + targetRole, "target: role " + targetRole
                    + " lacks the REPLICATION attribute the reverse stream needs",
                    "ALTER ROLE " + SqlText.identifier(targetRole) + " REPLICATION"));
        }
        if (!bool(source, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            for (String f : ORIGIN_FUNCTIONS) {
                if (!bool(source, "SELECT has_function_privilege(" + SqlText.literal(f) + ", 'EXECUTE')")) {
                    problems.add(new Missing("fallback.source_origin", f, "source: role " + sourceRole + " may not run "
                            + f + ", with which the source records what the reverse stream applied",
                            "as a superuser: GRANT EXECUTE ON FUNCTION " + f + " TO " + SqlText.identifier(sourceRole)));
                }
            }
        }
        for (PlannedTable t : tables) {
            String sourceTable = SqlText.qualified(t.source().schema(), t.source().name());
            if (!privileged(source, sourceTable)) {
                problems.add(new Missing("fallback.source_writes", sourceTable, "source: role " + sourceRole
                        + " may not write " + sourceTable, "GRANT SELECT, INSERT, UPDATE, DELETE ON " + sourceTable
                        + " TO " + SqlText.identifier(sourceRole)));
            }
            String targetTable = SqlText.qualified(t.mapping().targetSchema(), t.mapping().targetName());
            boolean onTarget = bool(target, "SELECT to_regclass(" + SqlText.literal(targetTable) + ") IS NOT NULL");
            if (onTarget ? !identified(target, targetTable) : !identified(source, sourceTable)) {
                problems.add(new Missing("fallback.replica_identity", targetTable, "target: " + targetTable + " has"
                        + " neither a primary key nor a replica identity; once it is published, updates and deletes on"
                        + " it would fail", "ALTER TABLE " + (onTarget ? targetTable : sourceTable)
                        + " REPLICA IDENTITY FULL" + (onTarget ? "" : " on the source before the start")));
            }
            if (onTarget && !owned(target, targetTable)) {
                problems.add(new Missing("fallback.target_owner", targetTable, "target: role " + targetRole
                        + " does not own " + targetTable + ", so it cannot publish it", "run the cutover as its owner"));
            }
        }
        return problems;
    }

    private static boolean privileged(Connection source, String table) throws SQLException {
        return bool(source, "SELECT has_table_privilege(" + SqlText.literal(table) + ", 'SELECT, INSERT, UPDATE, DELETE')");
    }

    /** A table whose updates and deletes can be published: a replica identity through a key, an index or FULL. */
    private static boolean identified(Connection target, String table) throws SQLException {
        return bool(target, "SELECT c.relreplident = 'f' OR (c.relreplident = 'i' AND EXISTS (SELECT 1 FROM pg_index i"
                + " WHERE i.indrelid = c.oid AND i.indisreplident)) OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM"
                + " pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)) OR c.relkind = 'p' FROM pg_class c"
                + " WHERE c.oid = " + SqlText.literal(table) + "::regclass");
    }

    private static boolean owned(Connection target, String table) throws SQLException {
        return bool(target, "SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = "
                + SqlText.literal(table) + "::regclass");
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean bool(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}

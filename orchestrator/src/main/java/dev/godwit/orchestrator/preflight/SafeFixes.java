package dev.godwit.orchestrator.preflight;

import dev.godwit.workers.catalog.Table;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.godwit.orchestrator.preflight.PreflightContext.bool;
import static dev.godwit.orchestrator.preflight.PreflightContext.quote;
import static dev.godwit.orchestrator.preflight.PreflightContext.rows;

/**
 * The fixes {@code preflight --fix} applies: only those local to the selected source tables, never a server setting,
 * a role or the target. In order: REPLICA IDENTITY FULL for each replicated table without a usable one (before any
 * publication exists, so that no UPDATE on them fails), then the publication, created or completed.
 */
public final class SafeFixes {

    /** The statements, in the order they must run; empty when there is nothing safe to do. */
    public List<String> statements(PreflightContext ctx) throws SQLException {
        List<String> out = new ArrayList<>();
        if (!ctx.cdc()) {
            return out;
        }
        for (Table t : ctx.replicatedRelations()) {
            if (!t.unlogged() && !t.usableReplicaIdentity()) {
                out.add("ALTER TABLE " + t.qualifiedName() + " REPLICA IDENTITY FULL");
            }
        }
        String name = ctx.task().settings().publicationName();
        List<Table> tables = ctx.publishedTables();
        if (tables.isEmpty()) {
            return out;
        }
        List<List<String>> pub = rows(ctx.source(), "SELECT puballtables::text FROM pg_publication WHERE pubname = ?", name);
        if (pub.isEmpty()) {
            String options = ctx.catalog().majorVersion() >= 13 ? " WITH (publish_via_partition_root = true)" : "";
            out.add("CREATE PUBLICATION " + quote(name) + " FOR TABLE " + SourcePrivilegeChecks.names(tables) + options);
        } else if (pub.get(0).get(0).equals("false")) {
            List<Table> missing = new ArrayList<>();
            for (Table t : tables) {
                boolean in = bool(ctx.source(), "SELECT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = ? "
                        + "AND schemaname = ? AND tablename = ?)", name, t.schema(), t.name());
                if (!in) {
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                out.add("ALTER PUBLICATION " + quote(name) + " ADD TABLE " + SourcePrivilegeChecks.names(missing));
            }
        }
        return out;
    }

    /**
     * Prints each statement, then runs it on the source; a statement that fails is reported and the rest still run.
     *
     * @return how many statements failed
     */
    public int apply(PreflightContext ctx, PrintWriter out) throws SQLException {
        int failed = 0;
        List<String> statements = statements(ctx);
        if (statements.isEmpty()) {
            out.println("--fix: nothing that preflight may fix on its own.");
        }
        for (String sql : statements) {
            out.println("--fix: " + sql + ";");
            out.flush();
            try {
                PreflightContext.execute(ctx.source(), sql);
            } catch (SQLException e) {
                failed++;
                out.println("       failed: " + (e.getMessage() == null ? e.getSQLState() : e.getMessage().lines().findFirst().orElse("")));
            }
        }
        out.println();
        out.flush();
        return failed;
    }
}

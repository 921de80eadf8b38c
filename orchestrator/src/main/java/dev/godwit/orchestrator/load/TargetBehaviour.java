package dev.godwit.orchestrator.load;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.workers.pg.ReplicaMode;
import dev.godwit.workers.schema.SchemaScript;
import dev.godwit.workers.schema.ScriptRunner;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What on the target acts on rows by itself — triggers, rules, foreign keys with a referential action — and must
 * stay silent while replicated changes are applied, since the source already did what they do. Replica mode
 * ({@code session_replication_role = replica}) silences all of them for the applier's session. Where the target role
 * may not set it, this is the fallback: the target's triggers and rules are disabled once the full load created
 * them, the foreign keys with an action are not created with the others, and the cutover switches all of it on as
 * on the source. Every step is idempotent, so a resume or a second cutover attempt does it again safely.
 */
public final class TargetBehaviour {
    private static final String DUPLICATE_OBJECT = "42710";

    /** The fallback is needed when changes will stream and the target role may not set replica mode. */
    public static boolean needsFallback(Task task, Connection target) throws SQLException {
        return task.type().hasCdc() && !ReplicaMode.allowed(target);
    }

    /** The post-data the full load ends with: with the fallback, without the foreign keys that have an action. */
    public static List<SchemaScript.Statement> finishStatements(SchemaScript script, boolean fallback) {
        return script.postData(g -> g.phase() > SchemaScript.TABLE_PHASE
                && !(fallback && g.name().equals(SchemaScript.ACTION_FOREIGN_KEYS)));
    }

    /** Fallback, at the end of the full load: disables the enabled triggers and rules of the target tables. */
    public List<String> silence(Connection target, SchemaPlan planned) throws SQLException {
        List<String> done = new ArrayList<>();
        for (PlannedTable t : planned.plan().tables()) {
            String table = targetTable(t);
            for (Map.Entry<String, String> trigger : triggers(target, table).entrySet()) {
                if (trigger.getValue().equals("O")) {
                    execute(target, "ALTER TABLE " + table + " DISABLE TRIGGER " + SqlText.identifier(trigger.getKey()));
                    done.add("trigger " + trigger.getKey() + " on " + table);
                }
            }
            for (Map.Entry<String, String> rule : rules(target, table).entrySet()) {
                if (rule.getValue().equals("O")) {
                    execute(target, "ALTER TABLE " + table + " DISABLE RULE " + SqlText.identifier(rule.getKey()));
                    done.add("rule " + rule.getKey() + " on " + table);
                }
            }
        }
        return done;
    }

    /**
     * At cutover, in the handover's transaction: the foreign keys with an action that the target lacks are created,
     * every trigger and rule of the target tables gets the source's enabled state, and the materialized views are
     * refreshed. Returns the report's lines.
     */
    public List<String> switchOn(Connection source, Connection target, SchemaPlan planned) throws SQLException {
        SchemaScript script = planned.script();
        int created = createMissing(target, script.postData(g -> g.name().equals(SchemaScript.ACTION_FOREIGN_KEYS)));
        List<String> switched = new ArrayList<>();
        int triggers = 0;
        int rules = 0;
        for (PlannedTable t : planned.plan().tables()) {
            String sourceTable = SqlText.qualified(t.source().schema(), t.source().name());
            String table = targetTable(t);
            Map<String, String> onTarget = triggers(target, table);
            for (Map.Entry<String, String> trigger : triggers(source, sourceTable).entrySet()) {
                String state = onTarget.get(trigger.getKey());
                if (state != null && !state.equals(trigger.getValue())) {
                    execute(target, "ALTER TABLE " + table + " " + enable(trigger.getValue()) + " TRIGGER "
                            + SqlText.identifier(trigger.getKey()));
                    switched.add("trigger " + trigger.getKey() + " on " + table);
                }
                triggers += state == null ? 0 : 1;
            }
            Map<String, String> rulesOnTarget = rules(target, table);
            for (Map.Entry<String, String> rule : rules(source, sourceTable).entrySet()) {
                String state = rulesOnTarget.get(rule.getKey());
                if (state != null && !state.equals(rule.getValue())) {
                    execute(target, "ALTER TABLE " + table + " " + enable(rule.getValue()) + " RULE "
                            + SqlText.identifier(rule.getKey()));
                    switched.add("rule " + rule.getKey() + " on " + table);
                }
                rules += state == null ? 0 : 1;
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("target tables' triggers and rules as on the source: " + triggers + " trigger(s), " + rules
                + " rule(s)" + (switched.isEmpty() ? "" : "; switched on now: " + String.join(", ", switched)));
        if (created > 0) {
            lines.add("foreign keys with an ON UPDATE/ON DELETE action created now (they were left out while changes "
                    + "streamed without replica mode): " + created);
        }
        List<SchemaScript.Statement> refreshes = script.postData(g -> g.phase() == SchemaScript.REFRESH_PHASE);
        if (!refreshes.isEmpty()) {
            ScriptRunner.run(target, refreshes);
            lines.add("materialized views refreshed from the final data: " + refreshes.size());
        }
        return lines;
    }

    /** Runs each statement unless its object exists already; returns how many were created. */
    private static int createMissing(Connection target, List<SchemaScript.Statement> statements) throws SQLException {
        int created = 0;
        try (Statement s = target.createStatement()) {
            for (SchemaScript.Statement statement : statements) {
                s.execute("SAVEPOINT godwit_switch_on");
                try {
                    s.execute(statement.sql());
                    created++;
                } catch (SQLException e) {
                    if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                        throw new SQLException(statement.description() + " failed: " + e.getMessage(), e.getSQLState(), e);
                    }
                    s.execute("ROLLBACK TO SAVEPOINT godwit_switch_on");
                }
                s.execute("RELEASE SAVEPOINT godwit_switch_on");
            }
        }
        return created;
    }

    private static String enable(String state) {
        return switch (state) {
            case "D" -> "DISABLE";
            case "R" -> "ENABLE REPLICA";
            case "A" -> "ENABLE ALWAYS";
            default -> "ENABLE";
        };
    }

    private static String targetTable(PlannedTable t) {
        return SqlText.qualified(t.mapping().targetSchema(), t.mapping().targetName());
    }

    /** The user triggers defined on the table itself (not a partition's clones) by name, with their enabled state. */
    private static Map<String, String> triggers(Connection c, String table) throws SQLException {
        return states(c, "SELECT t.tgname, t.tgenabled::text FROM pg_trigger t WHERE t.tgrelid = ?::regclass"
                + " AND NOT t.tgisinternal AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_trigger'::regclass"
                + " AND d.objid = t.oid AND d.deptype = 'P')", table);
    }

    private static Map<String, String> rules(Connection c, String table) throws SQLException {
        return states(c, "SELECT rulename, ev_enabled::text FROM pg_rewrite WHERE ev_class = ?::regclass"
                + " AND rulename <> '_RETURN'", table);
    }

    private static Map<String, String> states(Connection c, String sql, String table) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

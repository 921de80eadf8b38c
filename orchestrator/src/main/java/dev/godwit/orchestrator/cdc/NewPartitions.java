package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.schema.SchemaScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Partitions the source gained under a replicated partitioned table after the plan (pg_partman creating next month's,
 * an application creating one just in time). Changes to them arrive through the partitioned root (the publication
 * publishes via the root), so the target needs the same partition before the first such change: without it the
 * target refuses the row ("no partition of relation … found for row"). The partitions are written as the full load
 * writes them, from the source catalog read again; the target's partitioned indexes, keys and triggers reach them by
 * themselves.
 */
public final class NewPartitions {
    private static final Logger log = LoggerFactory.getLogger(NewPartitions.class);
    private static final String STATEMENT_PREFIX = "partition ";

    private final Task task;
    private final PgConnector source;
    private final PgConnector target;

    public NewPartitions(Task task, PgConnector source, PgConnector target) {
        this.task = task;
        this.source = source;
        this.target = target;
    }

    /**
     * Creates every partition of a table whose partitions are kept as on the source that the target lacks, in one
     * target transaction.
     *
     * @return the partitions created, by target name
     */
    public List<String> create() throws SQLException {
        SchemaPlan planned;
        try (Connection s = source.open("new partitions")) {
            planned = SchemaPlan.read(task, s);
        }
        boolean keeps = planned.plan().tables().stream().anyMatch(t -> t.isPartitioned()
                && t.mapping().partitionRule() instanceof PartitionRule.Keep);
        if (!keeps) {
            return List.of();
        }
        List<String> created = new ArrayList<>();
        try (Connection t = target.open("new partitions")) {
            t.setAutoCommit(false);
            try (Statement st = t.createStatement()) {
                for (SchemaScript.Statement statement : planned.script().preData()) {
                    String name = statement.description().startsWith(STATEMENT_PREFIX)
                            ? statement.description().substring(STATEMENT_PREFIX.length()) : null;
                    if (name != null && !exists(t, name)) {
                        st.execute(statement.sql());
                        created.add(name);
                    }
                }
                t.commit();
            } catch (SQLException | RuntimeException e) {
                t.rollback();
                throw e;
            }
        }
        if (!created.isEmpty()) {
            log.info("cdc: created {} partition(s) the source gained since the plan: {}", created.size(),
                    String.join(", ", created));
        }
        return created;
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}

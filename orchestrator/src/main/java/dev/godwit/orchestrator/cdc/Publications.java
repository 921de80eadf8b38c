package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The task's publication on the source: every table whose changes CDC carries. On PostgreSQL 13+ a partitioned
 * table is published through its root ({@code publish_via_partition_root}), so changes arrive under the root's name
 * whichever partition holds the row; PostgreSQL 12 cannot publish a partitioned table, so its leaves are published.
 * An existing publication (created by the tables' owner, for a least-privileged godwit) is used as it is, with the
 * missing tables added when the role may.
 */
public final class Publications {
    private static final Logger log = LoggerFactory.getLogger(Publications.class);

    private Publications() {
    }

    /** The relations to publish: those whose CDC coverage is not "none". */
    public static List<Table> relations(List<PlannedTable> tables, int sourceMajor) {
        List<Table> out = new ArrayList<>();
        for (PlannedTable t : tables) {
            switch (t.cdc()) {
                case ALL_CHANGES, INSERTS_ONLY -> {
                    if (t.isPartitioned() && sourceMajor < 13) {
                        out.addAll(t.partitions());
                    } else {
                        out.add(t.source());
                    }
                }
                default -> {
                }
            }
        }
        return out;
    }

    /**
     * Creates the publication, or adds the relations it lacks.
     *
     * @return the relations it still lacks: the role may not add them (a publication's tables must be owned by it)
     */
    public static List<String> ensure(Connection source, String publication, List<Table> relations, int sourceMajor)
            throws SQLException {
        java.util.Map<String, String> wantedByName = new java.util.LinkedHashMap<>();
        relations.forEach(t -> wantedByName.put(t.schema() + "\u0000" + t.name(), SqlText.qualified(t.schema(), t.name())));
        Set<String> wanted = new LinkedHashSet<>(wantedByName.values());
        if (!exists(source, publication)) {
            String sql = "CREATE PUBLICATION " + SqlText.identifier(publication) + " FOR TABLE " + String.join(", ", wanted)
                    + (sourceMajor >= 13 ? " WITH (publish_via_partition_root = true)" : "");
            try (Statement s = source.createStatement()) {
                s.execute(sql);
            }
            log.info("publication {} created for {} tables", publication, wanted.size());
            return List.of();
        }
        Set<String> present = new LinkedHashSet<>();
        try (PreparedStatement ps = source.prepareStatement("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1) + "\u0000" + rs.getString(2));
                }
            }
        }
        // pg_publication_tables lists leaves, or roots under publish_via_partition_root: compare loosely, add what is missing
        List<String> missing = wantedByName.entrySet().stream().filter(e -> !present.contains(e.getKey()))
                .map(java.util.Map.Entry::getValue).toList();
        if (!missing.isEmpty()) {
            try (Statement s = source.createStatement()) {
                s.execute("ALTER PUBLICATION " + SqlText.identifier(publication) + " ADD TABLE " + String.join(", ", missing));
                log.info("publication {}: added {}", publication, missing);
            } catch (SQLException e) {
                log.debug("could not add {} to publication {}: {}", missing, publication, e.getMessage());
                return missing;
            }
        }
        return List.of();
    }

    private static boolean exists(Connection source, String publication) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}

package dev.godwit.orchestrator.fallback;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.pg.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the reverse stream runs on: a publication of the migrated tables and a logical slot (pgoutput) on the target,
 * and a replication origin on the source. Created while the target is still quiet (it applied the source's final
 * position and nothing else has written to it), so the slot starts exactly at the cutover position.
 */
final class ReverseReplication {
    private ReverseReplication() {
    }

    /** The tables whose changes can stream back: an unlogged table's are not in the WAL, nor may it be published. */
    static List<PlannedTable> streamable(List<PlannedTable> tables) {
        return tables.stream().filter(t -> !t.source().unlogged()).toList();
    }

    /**
     * Creates the publication, then the slot, on the target, and the origin on the source, advanced to the slot's
     * start (a first run of the stream then shows no lag it does not have).
     *
     * @return the slot's start: the target's position at the cutover
     */
    static Lsn create(Connection source, Connection target, FallbackNames names, List<PlannedTable> tables)
            throws SQLException {
        String relations = tables.stream().map(t -> SqlText.qualified(t.mapping().targetSchema(), t.mapping().targetName()))
                .collect(Collectors.joining(", "));
        try (Statement s = target.createStatement()) {
            // a partitioned table's changes arrive under its own name, which is the name the source has too
            s.execute("CREATE PUBLICATION " + SqlText.identifier(names.publication()) + " FOR TABLE " + relations
                    + " WITH (publish_via_partition_root = true)");
        }
        Lsn start;
        try (PreparedStatement ps = target.prepareStatement(
                "SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
            ps.setString(1, names.slot());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                start = Lsn.parse(rs.getString(1));
            }
        }
        try (PreparedStatement create = source.prepareStatement("SELECT pg_replication_origin_create(?)");
             PreparedStatement advance = source.prepareStatement("SELECT pg_replication_origin_advance(?, ?::pg_lsn)")) {
            create.setString(1, names.origin());
            create.execute();
            advance.setString(1, names.origin());
            advance.setString(2, start.toString());
            advance.execute();
        }
        return start;
    }

    /** Drops whatever of the three exists; one line per object for the report. Safe to run twice. */
    static List<String> drop(Connection source, Connection target, FallbackNames names) throws SQLException {
        List<String> done = new ArrayList<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, names.slot());
            try (ResultSet rs = ps.executeQuery()) {
                done.add(rs.next() ? "target: replication slot " + names.slot() + " dropped"
                        : "target: no replication slot " + names.slot());
            }
        }
        try (Statement s = target.createStatement()) {
            s.execute("DROP PUBLICATION IF EXISTS " + SqlText.identifier(names.publication()));
        }
        done.add("target: publication " + names.publication() + " is gone");
        try (PreparedStatement ps = source.prepareStatement("SELECT pg_replication_origin_drop(roname)"
                + " FROM pg_replication_origin WHERE roname = ?")) {
            ps.setString(1, names.origin());
            try (ResultSet rs = ps.executeQuery()) {
                done.add(rs.next() ? "source: replication origin " + names.origin() + " dropped"
                        : "source: no replication origin " + names.origin());
            }
        }
        return done;
    }
}

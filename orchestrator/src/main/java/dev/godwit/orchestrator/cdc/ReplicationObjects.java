package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Removes what a task created on the source (its slot and publication), for cleanup and at the end of a cutover. */
public final class ReplicationObjects {
    private ReplicationObjects() {
    }

    /** Drops both when they exist; returns one line per object saying what became of it. Safe to run twice. */
    public static List<String> drop(Connection source, String slot, String publication) throws SQLException {
        List<String> done = new ArrayList<>();
        done.add(dropSlot(source, slot));
        try (Statement st = source.createStatement()) {
            st.execute("DROP PUBLICATION IF EXISTS " + SqlText.identifier(publication));
        }
        done.add("source: publication " + publication + " is gone");
        return done;
    }

    /** Drops the slot when it exists and no process uses it; says what became of it. */
    static String dropSlot(Connection source, String slot) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "source: no replication slot " + slot;
                }
                if (rs.getBoolean(1)) {
                    throw new GodwitException(FailureKind.FAILED, "replication slot " + slot + " is in use by a running "
                            + "process; stop it before cleaning up");
                }
            }
        }
        try (PreparedStatement ps = source.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.execute();
        }
        return "source: replication slot " + slot + " dropped";
    }
}

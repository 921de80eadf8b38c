package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.pg.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a replication slot's state on an ordinary connection (never a replication one): whether it exists and is in
 * use, its confirmed and restart positions, and how much WAL it holds back. Read-only.
 */
public final class SlotInspector {

    /** The current WAL position: the write position on a primary, the replay position on a standby. */
    private static final String CURRENT_WAL = "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
            + "ELSE pg_current_wal_lsn() END";

    /**
     * @param exists            always true for a state read from the server; {@link #absent()} is false
     * @param active            whether a walsender is streaming from it now
     * @param confirmedFlushLsn what the consumer confirmed; {@link Lsn#INVALID} if unknown
     * @param restartLsn        the oldest WAL the slot needs; {@link Lsn#INVALID} once invalidated
     * @param walStatus         {@code reserved}, {@code extended}, {@code unreserved} or {@code lost} (PostgreSQL
     *                          13+), else {@code unknown}
     * @param retainedBytes     WAL bytes held back: current WAL position minus restart_lsn, 0 without a restart_lsn
     * @param safeWalSize       how much more WAL may be written before the server invalidates the slot
     *                          ({@code safe_wal_size}, PostgreSQL 13+); empty when {@code max_slot_wal_keep_size} is
     *                          unlimited, the slot is lost, or the server is older
     * @param invalidationReason why the server invalidated the slot ({@code invalidation_reason}, PostgreSQL 17+:
     *                          {@code wal_removed}, {@code rows_removed}, {@code wal_level_insufficient}, and on 18
     *                          {@code idle_timeout}); empty while it is valid or on an older server
     */
    public record SlotState(boolean exists, boolean active, Lsn confirmedFlushLsn, Lsn restartLsn, String walStatus,
                            long retainedBytes, OptionalLong safeWalSize, Optional<String> invalidationReason) {

        public static SlotState absent() {
            return new SlotState(false, false, Lsn.INVALID, Lsn.INVALID, "unknown", 0, OptionalLong.empty(),
                    Optional.empty());
        }

        /**
         * The slot can no longer stream: its WAL was removed (max_slot_wal_keep_size), or the server invalidated it
         * for another reason (idle_replication_slot_timeout on PostgreSQL 18, say).
         */
        public boolean isLost() {
            return "lost".equals(walStatus) || invalidationReason.isPresent();
        }
    }

    private SlotInspector() {
    }

    public static Optional<SlotState> slot(Connection connection, String slotName) throws SQLException {
        int major = connection.getMetaData().getDatabaseMajorVersion();
        boolean walStatus = major >= 13;
        String sql = "SELECT active, confirmed_flush_lsn::text, restart_lsn::text, "
                + (walStatus ? "wal_status" : "'unknown'") + ", "
                + "coalesce(pg_wal_lsn_diff(" + CURRENT_WAL + ", restart_lsn), 0)::bigint, "
                + (walStatus ? "safe_wal_size" : "NULL::bigint") + ", "
                + (major >= 17 ? "invalidation_reason" : "NULL::text") + " "
                + "FROM pg_replication_slots WHERE slot_name = ?";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, slotName);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long safe = rs.getLong(6);
                // NULL when max_slot_wal_keep_size is unlimited: asked right after reading it, not after another column
                OptionalLong safeWalSize = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(safe);
                return Optional.of(new SlotState(true, rs.getBoolean(1), lsn(rs.getString(2)), lsn(rs.getString(3)),
                        rs.getString(4) == null ? "unknown" : rs.getString(4), rs.getLong(5), safeWalSize,
                        Optional.ofNullable(rs.getString(7))));
            }
        }
    }

    /**
     * Whether the slot is a failover slot ({@code pg_replication_slots.failover}): standbys running
     * {@code sync_replication_slots} keep a copy of it. Empty when the slot is absent or the server is older than
     * PostgreSQL 17, which has no failover slots.
     */
    public static Optional<Boolean> failover(Connection connection, String slotName) throws SQLException {
        if (connection.getMetaData().getDatabaseMajorVersion() < 17) {
            return Optional.empty();
        }
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT failover FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slotName);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
            }
        }
    }

    /**
     * The server's {@code max_slot_wal_keep_size} in bytes: how much WAL a slot may retain before the server
     * invalidates it. Empty when unlimited (-1, the default) or on a server older than PostgreSQL 13.
     */
    public static OptionalLong maxSlotWalKeepSize(Connection connection) throws SQLException {
        if (connection.getMetaData().getDatabaseMajorVersion() < 13) {
            return OptionalLong.empty();
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_size_bytes(current_setting('max_slot_wal_keep_size'))")) {
            rs.next();
            long bytes = rs.getLong(1);
            return bytes < 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
        }
    }

    public static Lsn currentWalLsn(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT (" + CURRENT_WAL
                + ")::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private static Lsn lsn(String text) {
        return text == null ? Lsn.INVALID : Lsn.parse(text);
    }
}

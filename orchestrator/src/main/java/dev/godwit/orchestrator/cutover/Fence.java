package dev.godwit.orchestrator.cutover;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.CutoverSettings;
import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops writes to the source database before the final catch-up, so that the position read afterwards is the last
 * one. Built in: new sessions of the database default to read-only ({@code ALTER DATABASE … SET
 * default_transaction_read_only}), and every existing client session of the database except godwit's own is ended,
 * since a session keeps the setting it started with. With {@code cutover.fenceSql} the user's statements run instead.
 * A fence is a guard against the application, not a security barrier: a session can still ask for a read-write
 * transaction explicitly.
 */
public final class Fence {
    private static final Logger log = LoggerFactory.getLogger(Fence.class);
    private static final Duration SESSIONS_GONE = Duration.ofSeconds(30);

    private final CutoverSettings settings;

    public Fence(CutoverSettings settings) {
        this.settings = settings;
    }

    /** Applies the fence; returns a line for the report. */
    public String apply(Connection source) throws SQLException {
        if (settings.fenceSql().isPresent()) {
            try (Statement s = source.createStatement()) {
                s.execute(settings.fenceSql().get());
            }
            return "fence: ran cutover.fenceSql on the source";
        }
        String database = database(source);
        try (Statement s = source.createStatement()) {
            s.execute("ALTER DATABASE " + SqlText.identifier(database) + " SET default_transaction_read_only = on");
        } catch (SQLException e) {
            throw new GodwitException(FailureKind.ACCESS, "cannot fence the source: ALTER DATABASE " + database
                    + " needs the database's owner (" + e.getMessage() + "). Run the cutover as the owner, or set "
                    + "cutover.fenceSql to statements that stop your application's writes");
        }
        List<Integer> ended = endSessions(source);
        waitUntilGone(source, ended);
        return "fence: database " + database + " is read-only for new sessions; " + ended.size() + " session(s) ended";
    }

    /**
     * Makes a session opened after the fence able to write (to lift the fence, or drop the publication): new sessions
     * of a fenced database start read-only.
     */
    public static Connection writable(Connection source) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute("SET default_transaction_read_only = off");
        }
        return source;
    }

    /** Undoes the fence after a failed cutover; returns a line for the report. */
    public String lift(Connection source) throws SQLException {
        writable(source);
        if (settings.fenceSql().isPresent()) {
            if (settings.unfenceSql().isEmpty()) {
                return "fence: kept (cutover.fenceSql has no cutover.unfenceSql to undo it): undo it by hand";
            }
            try (Statement s = source.createStatement()) {
                s.execute(settings.unfenceSql().get());
            }
            return "fence: lifted with cutover.unfenceSql";
        }
        String database = database(source);
        try (Statement s = source.createStatement()) {
            s.execute("ALTER DATABASE " + SqlText.identifier(database) + " RESET default_transaction_read_only");
        }
        return "fence: lifted, database " + database + " accepts writes again";
    }

    /** The SQL that lifts the built-in fence, for the report after a successful cutover. */
    public static String undoHint(Connection source) throws SQLException {
        return "ALTER DATABASE " + SqlText.identifier(database(source)) + " RESET default_transaction_read_only";
    }

    private static List<Integer> endSessions(Connection source) throws SQLException {
        List<Integer> ended = new ArrayList<>();
        // client sessions only: the walsender streaming to godwit and background workers stay
        try (PreparedStatement ps = source.prepareStatement("SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                + " AND coalesce(application_name, '') NOT LIKE 'godwit %'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getBoolean(2)) {
                    ended.add(rs.getInt(1));
                } else {
                    log.warn("cutover: could not end session {} (no permission?)", rs.getInt(1));
                }
            }
        } catch (SQLException e) {
            throw new GodwitException(FailureKind.ACCESS, "cannot end the sessions writing to the source ("
                    + e.getMessage() + "): grant pg_signal_backend to godwit's role, or set cutover.fenceSql");
        }
        return ended;
    }

    /** Termination is a signal: a transaction may still be committing until the backend has exited. */
    private static void waitUntilGone(Connection source, List<Integer> pids) throws SQLException {
        if (pids.isEmpty()) {
            return;
        }
        Instant deadline = Instant.now().plus(SESSIONS_GONE);
        Integer[] array = pids.toArray(Integer[]::new);
        while (true) {
            try (PreparedStatement ps = source.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (?)")) {
                ps.setArray(1, source.createArrayOf("int4", array));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new SQLException("sessions " + pids + " did not end within " + SESSIONS_GONE.toSeconds() + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for sessions to end", e);
            }
        }
    }

    private static String database(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}

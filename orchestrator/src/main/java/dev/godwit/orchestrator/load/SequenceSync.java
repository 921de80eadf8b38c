package dev.godwit.orchestrator.load;

import dev.godwit.orchestrator.plan.SchemaPlan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets target sequences to the source sequences' current positions, so the first insert on the target after cutover
 * does not collide with a migrated key: every pair {@link SequencePairs} finds. Run at the end of the full load and
 * again at cutover; the position is read from the source at that moment.
 */
public final class SequenceSync {

    /** One sequence that was set. */
    public record Synced(String source, String target, long value, boolean called) {
    }

    /** A source sequence that could not be set on the target, and why. */
    public record Missed(String source, String reason) {
        @Override
        public String toString() {
            return source + " (" + reason + ")";
        }
    }

    /** What a sync did. */
    public record Result(List<Synced> set, List<Missed> missed) {
    }

    public Result sync(Connection source, Connection target, SchemaPlan planned) throws SQLException {
        List<Synced> done = new ArrayList<>();
        List<Missed> missed = new ArrayList<>();
        SequencePairs.Result found = SequencePairs.find(source, target, planned);
        found.unpaired().forEach(u -> missed.add(new Missed(u.source(), u.reason())));
        for (SequencePairs.Pair pair : found.pairs()) {
            copy(source, target, pair.source(), pair.target(), done, missed);
        }
        return new Result(done, missed);
    }

    private static void copy(Connection source, Connection target, String from, String to, List<Synced> done,
                             List<Missed> missed) throws SQLException {
        long value;
        boolean called;
        try (PreparedStatement read = source.prepareStatement("SELECT last_value, is_called FROM " + from);
             ResultSet rs = read.executeQuery()) {
            rs.next();
            value = rs.getLong(1);
            called = rs.getBoolean(2);
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            missed.add(new Missed(from, "the source role may not read it: GRANT SELECT ON SEQUENCE " + from));
            return;
        }
        try (PreparedStatement set = target.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
            set.setString(1, to);
            set.setLong(2, value);
            set.setBoolean(3, called);
            set.execute();
        }
        done.add(new Synced(from, to, value, called));
    }
}

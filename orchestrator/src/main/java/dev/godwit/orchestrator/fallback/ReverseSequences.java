package dev.godwit.orchestrator.fallback;

import dev.godwit.orchestrator.load.SequencePairs;
import dev.godwit.orchestrator.plan.SchemaPlan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * At the fallback, the source's sequences are moved up to the target's, so that the first insert on the source after
 * it does not collide with a key the new primary handed out: every pair {@link SequencePairs} finds, the same the
 * cutover set the target's by. A source sequence already ahead of its target twin keeps its position: it is never moved back.
 */
final class ReverseSequences {

    /** What the sync did: one line per sequence moved, and the sequences it could not find on one side. */
    record Result(List<String> moved, List<String> missed) {
    }

    private record Position(long value, boolean called) {
        boolean ahead(Position other) {
            return value > other.value || (value == other.value && called && !other.called);
        }
    }

    Result sync(Connection target, Connection source, SchemaPlan planned) throws SQLException {
        List<String> moved = new ArrayList<>();
        SequencePairs.Result found = SequencePairs.find(source, target, planned);
        for (SequencePairs.Pair pair : found.pairs()) {
            move(target, source, pair.target(), pair.source()).ifPresent(moved::add);
        }
        return new Result(moved, found.unpaired().stream().map(SequencePairs.Unpaired::toString).toList());
    }

    private static Optional<String> move(Connection target, Connection source, String from, String to) throws SQLException {
        Position there = position(target, from);
        Position here = position(source, to);
        if (!there.ahead(here)) {
            return Optional.empty();
        }
        try (PreparedStatement set = source.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
            set.setString(1, to);
            set.setLong(2, there.value());
            set.setBoolean(3, there.called());
            set.execute();
        }
        return Optional.of(to + " = " + there.value() + (there.called() ? "" : " (not yet called)"));
    }

    private static Position position(Connection c, String sequence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_value, is_called FROM " + sequence);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Position(rs.getLong(1), rs.getBoolean(2));
        }
    }
}

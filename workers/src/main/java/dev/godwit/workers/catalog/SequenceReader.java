package dev.godwit.workers.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads the sequences, with the current value where the role may read it. */
final class SequenceReader {
    private final Query query;

    SequenceReader(Query query) {
        this.query = query;
    }

    List<Sequence> read() throws SQLException {
        return query.list("sequences", SequenceReader::sequence);
    }

    private static Sequence sequence(ResultSet r) throws SQLException {
        OptionalLong lastValue = Query.optionalLong(r, "last_value");
        String ownedTable = r.getString("owned_table");
        Optional<OwnedBy> ownedBy = ownedTable == null ? Optional.empty()
                : Optional.of(new OwnedBy(r.getString("owned_schema"), ownedTable, r.getString("owned_column")));
        return new Sequence(r.getString("schema"), r.getString("name"), r.getString("data_type"),
                r.getLong("start"), r.getLong("increment"), r.getLong("min"), r.getLong("max"),
                r.getBoolean("cycle"), r.getLong("cache"), lastValue, lastValue.isPresent(), ownedBy,
                r.getBoolean("is_identity"), r.getBoolean("readable"), r.getBoolean("unlogged"),
                Query.string(r, "comment"));
    }
}

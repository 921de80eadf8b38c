package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.OldTuple;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Hand-built pgoutput messages, identity targets read from the target catalog, and a checkpoint table. */
final class ApplyFixture {

    /** In {@link #row}: the unchanged-TOAST marker. */
    static final String U = "\u0000unchanged";

    private ApplyFixture() {
    }

    /**
     * The default options with a group clock that never moves: a group commits when it is full or when the test asks,
     * never because the machine was slow (a test sets a group's time bound with its own clock).
     */
    static ApplyOptions grouped() {
        return ApplyOptions.defaults().withGroupClock(() -> 0L);
    }

    /** The default options, but every source transaction committed on its own: what these tests observe. */
    static ApplyOptions perTransaction() {
        return grouped().withMaxTransactionsPerCommit(1);
    }

    /** A Relation; a column name ending in {@code *} is a replica identity column. */
    static Relation relation(long id, String schema, String name, ReplicaIdentity identity, String... columns) {
        List<RelationColumn> cols = new ArrayList<>();
        for (String c : columns) {
            boolean key = c.endsWith("*") || identity == ReplicaIdentity.FULL;
            cols.add(new RelationColumn(key ? 1 : 0, c.replace("*", ""), 25, -1));
        }
        return new Relation(id, schema, name, identity, cols);
    }

    /** Text values; {@code null} is SQL NULL, {@link #U} unchanged TOAST. */
    static TupleData row(String... values) {
        List<ColumnValue> out = new ArrayList<>();
        for (String v : values) {
            out.add(v == null ? ColumnValue.Null.INSTANCE
                    : v.equals(U) ? ColumnValue.UnchangedToast.INSTANCE : new ColumnValue.Text(v));
        }
        return new TupleData(out);
    }

    static OldTuple key(String... values) {
        return new OldTuple(OldTuple.Kind.KEY, row(values));
    }

    static OldTuple old(String... values) {
        return new OldTuple(OldTuple.Kind.OLD_ROW, row(values));
    }

    /** The target table as its own source: same names, types from the catalog, its primary key as key. */
    static ApplyTarget identityTarget(TestDatabase db, String schema, String table, Optional<Lsn> syncLsn) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod),
                       coalesce(a.attnum = ANY (i.indkey), false)
                  FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
                 WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""")) {
            ps.setString(1, "\"" + schema + "\".\"" + table + "\"");
            List<ApplyTarget.Column> columns = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            Map<String, String> types = new java.util.LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new ApplyTarget.Column(rs.getString(1), rs.getString(1), rs.getString(2)));
                    types.put(rs.getString(1), rs.getString(2));
                    if (rs.getBoolean(3)) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            return new ApplyTarget(schema, table, schema, table, columns, Set.of(), types, List.of(), keys, syncLsn);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Routes every relation to the identically named target table. */
    static Function<Relation, Optional<ApplyTarget>> identityRouting(TestDatabase db) {
        return r -> Optional.of(identityTarget(db, r.namespace(), r.name(), Optional.empty()));
    }

    /** A one-row checkpoint table on the target. */
    static final class TableCheckpoint implements Checkpoint {
        private final TestDatabase db;

        TableCheckpoint(TestDatabase db) {
            this.db = db;
            db.execute("CREATE TABLE IF NOT EXISTS apply_checkpoint (id int PRIMARY KEY, end_lsn pg_lsn NOT NULL,"
                    + " commit_time timestamptz NOT NULL)");
        }

        @Override
        public void write(Connection target, Lsn commitEndLsn, Instant commitTime) throws SQLException {
            try (PreparedStatement ps = target.prepareStatement("INSERT INTO apply_checkpoint VALUES (1, ?::pg_lsn, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET end_lsn = EXCLUDED.end_lsn, commit_time = EXCLUDED.commit_time")) {
                ps.setString(1, commitEndLsn.toString());
                ps.setObject(2, java.time.OffsetDateTime.ofInstant(commitTime, java.time.ZoneOffset.UTC));
                ps.executeUpdate();
            }
        }

        @Override
        public Lsn current() {
            List<String> rows = db.column("SELECT end_lsn FROM apply_checkpoint");
            return rows.isEmpty() ? Lsn.INVALID : Lsn.parse(rows.get(0));
        }

        Optional<Lsn> stored() {
            Lsn lsn = current();
            return lsn.isValid() ? Optional.of(lsn) : Optional.empty();
        }
    }

    /** Feeds transactions numbered 1, 2, …: transaction n commits at n*1000 (final LSN) and ends at n*1000+100. */
    static final class Feed {
        final ChangeApplier applier;

        Feed(ChangeApplier applier) {
            this.applier = applier;
        }

        static Lsn finalLsn(int n) {
            return new Lsn(n * 1000L);
        }

        static Lsn endLsn(int n) {
            return new Lsn(n * 1000L + 100);
        }

        Feed begin(int n) throws SQLException {
            applier.accept(new Lsn(n * 1000L - 500), new PgOutputMessage.Begin(finalLsn(n),
                    Instant.parse("2024-01-01T00:00:00Z").plusSeconds(n), n));
            return this;
        }

        Feed send(PgOutputMessage... messages) throws SQLException {
            for (PgOutputMessage m : messages) {
                applier.accept(Lsn.INVALID, m);
            }
            return this;
        }

        Feed commit(int n) throws SQLException {
            applier.accept(finalLsn(n), new PgOutputMessage.Commit(0, finalLsn(n), endLsn(n),
                    Instant.parse("2024-01-01T00:00:00Z").plusSeconds(n)));
            return this;
        }

        Feed tx(int n, PgOutputMessage... messages) throws SQLException {
            return begin(n).send(messages).commit(n);
        }
    }
}

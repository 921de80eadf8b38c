package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.OldTuple;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The prepared statements of one source relation (in the shape of its latest Relation message) on its target table,
 * cached per operation and per pattern of sent / unchanged-TOAST values, and bound to the values of changes. Their
 * text comes from {@link InsertText}, {@link UpdateText} and {@link DeleteText}; what they need to know of the target
 * table from its {@link TargetCatalog}.
 *
 * <p>Every value is bound as untyped text with an explicit cast to the target column's type ({@code ?::numeric(18,4)}):
 * the server parses it with that type's input function, exactly as pgoutput's text came out of the source type's
 * output function. Binary values are refused (the stream must run without the {@code binary} option).
 */
final class TableApplier implements AutoCloseable {

    /**
     * A prepared statement for one row, and the same change for many rows as one statement when there is one.
     *
     * @param key the cache key: the operation and the shape of the row images
     */
    record Prepared(String key, PreparedStatement statement, List<Bind> binds, Optional<SetForm> set) {
    }

    /** Runs before the statement cache is emptied, so that no statement with changes waiting in it is closed. */
    @FunctionalInterface
    interface BeforeEviction {
        void run() throws SQLException;
    }

    private static final int MAX_CACHED_STATEMENTS = 64;

    private final Connection conn;
    private final BeforeEviction beforeEviction;
    private final ColumnMap columns;
    private final TargetCatalog catalog;
    private final InsertText insertText;
    private final UpdateText updateText;
    private final DeleteText deleteText;
    private final Map<String, Prepared> statements = new HashMap<>();
    private final Map<String, PreparedStatement> setStatements = new HashMap<>();
    /**
     * The cache keys of the UPDATE and the DELETE of each identity when every value was sent, the shape of almost
     * every change: made once here rather than built for each change.
     */
    private final String[] completeUpdateKeys = new String[RowIdentity.values().length];
    private final String[] completeDeleteKeys = new String[RowIdentity.values().length];

    TableApplier(Connection conn, Relation relation, ApplyTarget target, boolean upsertOnInsert,
                 BeforeEviction beforeEviction) {
        this.conn = conn;
        this.beforeEviction = beforeEviction;
        this.columns = new ColumnMap(relation, target);
        this.catalog = new TargetCatalog(conn, target, columns.table());
        WhereClause where = new WhereClause(columns, catalog);
        this.insertText = new InsertText(columns, upsertOnInsert);
        this.updateText = new UpdateText(columns, where);
        this.deleteText = new DeleteText(columns, where);
        String complete = "v".repeat(columns.size());
        for (RowIdentity identity : RowIdentity.values()) {
            completeUpdateKeys[identity.ordinal()] = "U" + identity + complete + "/" + complete;
            completeDeleteKeys[identity.ordinal()] = "D" + identity + complete;
        }
    }

    Relation relation() {
        return columns.relation();
    }

    ApplyTarget target() {
        return columns.target();
    }

    String quotedTable() {
        return columns.table();
    }

    /** What the applier knows of the target table from its catalog. */
    TargetCatalog catalog() {
        return catalog;
    }

    /** The key of {@code row} (or its first columns when the table has none), for error messages. */
    String describeKey(TupleData row) {
        return columns.describeKey(row);
    }

    /** The prepared INSERT for a complete new row, bound to {@code row}. */
    PreparedStatement insert(TupleData row) throws SQLException {
        return bind(insertShape(), row, null);
    }

    /** The INSERT of a complete new row, not bound. */
    Prepared insertShape() throws SQLException {
        Prepared p = statements.get("I");
        if (p == null) {
            Optional<SetForm> set = insertText.set();
            p = prepare("I", insertText.statement(), set);
        }
        return p;
    }

    /**
     * The prepared UPDATE of the row identified by {@code old} (or by the key of {@code newRow} when empty) to
     * {@code newRow}: unchanged-TOAST columns are left out of the SET list, so the target keeps its value.
     */
    PreparedStatement update(Optional<OldTuple> old, TupleData newRow) throws SQLException {
        return bind(updateShape(old, newRow), newRow, old.map(OldTuple::tuple).orElse(null));
    }

    /** The UPDATE of {@link #update}, not bound. */
    Prepared updateShape(Optional<OldTuple> old, TupleData newRow) throws SQLException {
        RowIdentity identity = RowIdentity.of(old);
        TupleData whereRow = old.map(OldTuple::tuple).orElse(newRow);
        String key = isComplete(newRow) && isComplete(whereRow) ? completeUpdateKeys[identity.ordinal()]
                : "U" + identity + signature(newRow) + "/" + signature(whereRow);
        Prepared p = statements.get(key);
        if (p == null) {
            TupleData oldRow = old.map(OldTuple::tuple).orElse(null);
            Optional<SetForm> set = updateText.hasSetForm(identity) && catalog.updateRuns().asOneStatement()
                    ? Optional.of(updateText.set(identity, newRow, oldRow))
                    : Optional.empty();
            p = prepare(key, updateText.statement(identity, newRow, oldRow), set);
        }
        return p;
    }

    /** The prepared DELETE (or, with an operation indicator, the soft-deleting UPDATE) of the row {@code old}. */
    PreparedStatement delete(OldTuple old) throws SQLException {
        return bind(deleteShape(old), null, old.tuple());
    }

    /** The DELETE of {@link #delete}, not bound. */
    Prepared deleteShape(OldTuple old) throws SQLException {
        RowIdentity identity = RowIdentity.of(Optional.of(old));
        String key = isComplete(old.tuple()) ? completeDeleteKeys[identity.ordinal()]
                : "D" + identity + signature(old.tuple());
        Prepared p = statements.get(key);
        if (p == null) {
            RowStatement statement = deleteText.statement(identity, old.tuple());
            p = prepare(key, statement, deleteText.set(identity, old.tuple()));
        }
        return p;
    }

    // ---------------------------------------------------------------- binding

    /** Whether {@code row} has a value for every column of the relation: its signature is all 'v'. */
    private boolean isComplete(TupleData row) {
        return row.size() == columns.size() && !row.hasUnchangedToast();
    }

    /** 'v' sent, 'n' null, 'u' unchanged TOAST, per column: the part of a statement's shape the values decide. */
    private static String signature(TupleData row) {
        StringBuilder s = new StringBuilder(row.size());
        for (ColumnValue v : row.values()) {
            s.append(v instanceof ColumnValue.UnchangedToast ? 'u' : 'v');
        }
        return s.toString();
    }

    private Prepared prepare(String key, RowStatement sql, Optional<SetForm> set) throws SQLException {
        if (statements.size() >= MAX_CACHED_STATEMENTS) {
            beforeEviction.run();
            close();
        }
        Prepared p = new Prepared(key, conn.prepareStatement(sql.sql()), sql.binds(), set);
        statements.put(key, p);
        return p;
    }

    /** {@code p}'s statement bound to one change's row images. */
    PreparedStatement bind(Prepared p, TupleData newRow, TupleData oldRow) throws SQLException {
        PreparedStatement ps = p.statement();
        int n = 1;
        for (Bind b : p.binds()) {
            String value = text(b, newRow, oldRow);
            if (value != null) {
                ps.setObject(n, value, Types.OTHER);
            } else {
                ps.setNull(n, Types.OTHER);
            }
            n++;
        }
        return ps;
    }

    /**
     * {@code p}'s set form bound to many changes' row images ({@code newRows[k]}, {@code oldRows[k]}), one text array
     * per bind.
     */
    PreparedStatement bindSet(Prepared p, List<TupleData> newRows, List<TupleData> oldRows) throws SQLException {
        SetForm set = p.set().orElseThrow();
        PreparedStatement ps = setStatements.get(p.key());
        if (ps == null) {
            ps = conn.prepareStatement(set.sql());
            setStatements.put(p.key(), ps);
        }
        int n = 1;
        for (Bind b : set.binds()) {
            String[] values = new String[newRows.size()];
            for (int k = 0; k < values.length; k++) {
                values[k] = text(b, newRows.get(k), oldRows.get(k));
            }
            ps.setArray(n++, conn.createArrayOf("text", values));
        }
        return ps;
    }

    /**
     * The key of a row in a set form, to find repeated keys among many changes: the value itself for a one-column key
     * (asked for every change of a run, so no list for the common case), else the list of values. Two keys are equal
     * exactly when their values are.
     */
    Object keyOf(Prepared p, TupleData newRow, TupleData oldRow) throws SQLException {
        List<Bind> binds = p.set().orElseThrow().keyBinds();
        if (binds.size() == 1) {
            return text(binds.get(0), newRow, oldRow);
        }
        List<String> key = new ArrayList<>(binds.size());
        for (Bind b : binds) {
            key.add(text(b, newRow, oldRow));
        }
        return key;
    }

    /** The text of one bound value; null for SQL NULL. */
    private String text(Bind b, TupleData newRow, TupleData oldRow) throws SQLException {
        ColumnValue value = (b.old() ? oldRow : newRow).get(b.index());
        if (value instanceof ColumnValue.Text text) {
            return text.value();
        }
        if (value instanceof ColumnValue.Null) {
            return null;
        }
        Relation relation = columns.relation();
        String column = relation.columns().get(b.index()).name();
        if (value instanceof ColumnValue.Binary) {
            throw new SQLException("column " + column + " of " + relation.qualifiedName() + " arrived in binary"
                    + " form; the stream must run with the text format (no 'binary' option)", "0A000");
        }
        throw new IllegalStateException("unchanged-TOAST marker of column " + column + " reached a statement: a bug");
    }

    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (Prepared p : statements.values()) {
            try {
                p.statement().close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        statements.clear();
        for (PreparedStatement ps : setStatements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        setStatements.clear();
        if (first != null) {
            throw first;
        }
    }
}

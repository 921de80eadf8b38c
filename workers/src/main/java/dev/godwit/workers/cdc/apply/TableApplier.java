package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.rules.OperationIndicator;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.OldTuple;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SQL of one source relation (in the shape of its latest Relation message) on its target table, and the prepared
 * statements for it, cached per operation and per pattern of sent / unchanged-TOAST values.
 *
 * <p>Every value is bound as untyped text with an explicit cast to the target column's type ({@code ?::numeric(18,4)}):
 * the server parses it with that type's input function, exactly as pgoutput's text came out of the source type's
 * output function. Binary values are refused (the stream must run without the {@code binary} option).
 */
final class TableApplier implements AutoCloseable {

    /** Which row image identifies the row of an UPDATE or DELETE. */
    enum Identity { KEY, OLD_ROW, NEW_ROW }

    /** One {@code ?} of a statement: a value of the new or the old row image, by relation column index. */
    record Bind(boolean old, int index) {
    }

    /**
     * A prepared statement for one row, and the same change for many rows as one statement when there is one.
     *
     * @param key the cache key: the operation and the shape of the row images
     */
    record Prepared(String key, PreparedStatement statement, List<Bind> binds, Optional<SetForm> set) {
    }

    /**
     * The statement of a {@link Prepared} over many rows at once: every bound value becomes a text array parameter,
     * unnested into a derived table {@code u(p1, …, pn, ord)} and cast to the target type exactly as the single-row
     * form casts it. UPDATE and DELETE return the ordinal of each row they changed, so each change is still checked
     * on its own.
     *
     * @param keyBinds the binds that hold the row's key (UPDATE and DELETE)
     */
    record SetForm(Kind kind, String sql, List<Bind> binds, List<Bind> keyBinds) {
        enum Kind { INSERT, UPDATE, DELETE }
    }

    /** Marks where the FROM (USING) clause of a set form goes, once every bind is known. */
    private static final String FROM_MARK = "\u0001";

    /** Runs before the statement cache is emptied, so that no statement with changes waiting in it is closed. */
    @FunctionalInterface
    interface BeforeEviction {
        void run() throws SQLException;
    }

    private static final int MAX_CACHED_STATEMENTS = 64;

    private final Connection conn;
    private final BeforeEviction beforeEviction;
    private final Relation relation;
    private final ApplyTarget target;
    private final boolean upsertOnInsert;
    private final ApplyTarget.Column[] written;
    private final String table;
    private final Map<String, Prepared> statements = new HashMap<>();
    private final Map<String, PreparedStatement> setStatements = new HashMap<>();
    private Set<String> textCompared;
    private Boolean partitioned;
    private Boolean reorderable;
    private UpdateRuns updateRuns;

    TableApplier(Connection conn, Relation relation, ApplyTarget target, boolean upsertOnInsert,
                 BeforeEviction beforeEviction) {
        this.conn = conn;
        this.beforeEviction = beforeEviction;
        this.relation = relation;
        this.target = target;
        this.upsertOnInsert = upsertOnInsert && !target.keyColumns().isEmpty();
        this.table = SqlText.qualified(target.targetSchema(), target.targetName());
        List<RelationColumn> columns = relation.columns();
        this.written = new ApplyTarget.Column[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            written[i] = target.column(columns.get(i).name()).orElse(null);
        }
    }

    Relation relation() {
        return relation;
    }

    ApplyTarget target() {
        return target;
    }

    String quotedTable() {
        return table;
    }

    Optional<AddedIndicator> indicator() {
        return target.addedColumns().stream().filter(a -> a.operationIndicator().isPresent()).findFirst()
                .map(a -> new AddedIndicator(a.targetName(), a.targetType(), a.operationIndicator().orElseThrow()));
    }

    record AddedIndicator(String targetName, String targetType, OperationIndicator values) {
    }

    // ---------------------------------------------------------------- INSERT

    /** The prepared INSERT for a complete new row, bound to {@code row}. */
    PreparedStatement insert(TupleData row) throws SQLException {
        return bind(insertShape(), row, null);
    }

    /** The INSERT of a complete new row, not bound. */
    Prepared insertShape() throws SQLException {
        Prepared p = statements.get("I");
        if (p == null) {
            Optional<Sql> set = Optional.empty();
            if (target.addedColumns().isEmpty() && !upsertOnInsert) {
                Sql sql = new Sql(true).append("INSERT INTO ").append(table).append(" (").append(insertColumns())
                        .append(") SELECT ");
                String sep = "";
                for (int i = 0; i < written.length; i++) {
                    if (written[i] != null) {
                        sql.append(sep).param(false, i, written[i].targetType());
                        sep = ", ";
                    }
                }
                set = Optional.of(sql.append(FROM_MARK));
            }
            p = prepare("I", insertSql(), set.map(x -> x.setForm(SetForm.Kind.INSERT)));
        }
        return p;
    }

    private String insertColumns() {
        List<String> names = new ArrayList<>();
        for (ApplyTarget.Column c : written) {
            if (c != null) {
                names.add(SqlText.identifier(c.targetName()));
            }
        }
        target.addedColumns().forEach(a -> names.add(SqlText.identifier(a.targetName())));
        return String.join(", ", names);
    }

    private Sql insertSql() {
        Sql sql = new Sql(false).append("INSERT INTO ").append(table).append(" (").append(insertColumns())
                .append(") ");
        if (target.addedColumns().isEmpty()) {
            sql.append("VALUES (");
            String sep = "";
            for (int i = 0; i < written.length; i++) {
                if (written[i] != null) {
                    sql.append(sep).param(false, i, written[i].targetType());
                    sep = ", ";
                }
            }
            sql.append(")");
        } else {
            sql.append("SELECT ");
            String sep = "";
            for (ApplyTarget.Column c : written) {
                if (c != null) {
                    sql.append(sep).append("s.").append(SqlText.identifier(c.sourceName())).append("::")
                            .append(c.targetType());
                    sep = ", ";
                }
            }
            for (ApplyTarget.AddedColumn a : target.addedColumns()) {
                sql.append(sep).append(addedValue(a, 'I'));
                sep = ", ";
            }
            sql.append(" FROM (VALUES (");
            List<String> aliases = new ArrayList<>();
            sep = "";
            for (int i = 0; i < written.length; i++) {
                Optional<String> type = sourceType(i);
                if (type.isPresent()) {
                    sql.append(sep).param(false, i, type.get());
                    aliases.add(SqlText.identifier(relation.columns().get(i).name()));
                    sep = ", ";
                }
            }
            sql.append(")) AS s(").append(String.join(", ", aliases)).append(")");
        }
        if (upsertOnInsert) {
            sql.append(" ON CONFLICT (").append(quotedList(target.keyColumns())).append(") DO UPDATE SET ");
            List<String> sets = new ArrayList<>();
            for (ApplyTarget.Column c : written) {
                if (c != null && !target.keyColumns().contains(c.targetName())) {
                    sets.add(SqlText.identifier(c.targetName()) + " = EXCLUDED." + SqlText.identifier(c.targetName()));
                }
            }
            target.addedColumns().forEach(a -> sets.add(SqlText.identifier(a.targetName()) + " = EXCLUDED."
                    + SqlText.identifier(a.targetName())));
            if (sets.isEmpty()) {
                sql.text.setLength(sql.text.length() - " DO UPDATE SET ".length());
                sql.append(" DO NOTHING");
            } else {
                sql.append(String.join(", ", sets));
            }
        }
        return sql;
    }

    private String addedValue(ApplyTarget.AddedColumn a, char operation) {
        if (a.operationIndicator().isPresent()) {
            OperationIndicator values = a.operationIndicator().get();
            String value = switch (operation) {
                case 'I' -> values.insertValue();
                case 'U' -> values.updateValue();
                default -> values.deleteValue();
            };
            return (value == null ? "NULL" : SqlText.literal(value)) + "::" + a.targetType();
        }
        return "(" + a.expression() + ")::" + a.targetType();
    }

    /** The type of relation column {@code i} in the derived table added-column expressions read. */
    private Optional<String> sourceType(int i) {
        String name = relation.columns().get(i).name();
        String type = target.sourceTypes().get(name);
        if (type == null && written[i] != null) {
            type = written[i].targetType();
        }
        return Optional.ofNullable(type);
    }

    // ---------------------------------------------------------------- UPDATE / DELETE

    /**
     * The prepared UPDATE of the row identified by {@code old} (or by the key of {@code newRow} when empty) to
     * {@code newRow}: unchanged-TOAST columns are left out of the SET list, so the target keeps its value.
     */
    PreparedStatement update(Optional<OldTuple> old, TupleData newRow) throws SQLException {
        return bind(updateShape(old, newRow), newRow, old.map(OldTuple::tuple).orElse(null));
    }

    /** The UPDATE of {@link #update}, not bound. */
    Prepared updateShape(Optional<OldTuple> old, TupleData newRow) throws SQLException {
        Identity identity = identity(old);
        TupleData whereRow = old.map(OldTuple::tuple).orElse(newRow);
        String key = "U" + identity + signature(newRow) + "/" + signature(whereRow);
        Prepared p = statements.get(key);
        if (p == null) {
            TupleData oldRow = old.map(OldTuple::tuple).orElse(null);
            // many rows at once only when each is found by its own unchanged key and nothing is computed
            Optional<SetForm> set = identity == Identity.NEW_ROW && !target.keyColumns().isEmpty()
                    && target.addedColumns().isEmpty() && updateRuns().asOneStatement()
                    ? Optional.of(updateSql(new Sql(true), identity, newRow, oldRow).setForm(SetForm.Kind.UPDATE))
                    : Optional.empty();
            p = prepare(key, updateSql(new Sql(false), identity, newRow, oldRow), set);
        }
        return p;
    }

    private Sql updateSql(Sql sql, Identity identity, TupleData newRow, TupleData oldRow) throws SQLException {
        sql.append("UPDATE ").append(table).append(" AS tgt SET ");
        List<String> setParts = new ArrayList<>();
        String sep = "";
        for (int i = 0; i < written.length; i++) {
            ApplyTarget.Column c = written[i];
            if (c == null || newRow.get(i) instanceof ColumnValue.UnchangedToast) {
                continue; // 'u': the value was not sent and is unchanged: never written
            }
            if (identity == Identity.NEW_ROW && target.keyColumns().contains(c.targetName())) {
                continue; // found by this very value
            }
            sql.append(sep).append(SqlText.identifier(c.targetName())).append(" = ").param(false, i, c.targetType());
            sep = ", ";
            setParts.add(c.targetName());
        }
        for (ApplyTarget.AddedColumn a : target.addedColumns()) {
            sql.append(sep).append(SqlText.identifier(a.targetName())).append(" = ");
            sep = ", ";
            setParts.add(a.targetName());
            if (a.operationIndicator().isPresent()) {
                sql.append(addedValue(a, 'U'));
                continue;
            }
            // the expression reads a derived row of source-named columns: sent values, else the old row's, else the
            // target's current value of the column
            sql.append("(SELECT ").append(addedValue(a, 'U')).append(" FROM (SELECT ");
            String inner = "";
            for (int i = 0; i < written.length; i++) {
                Optional<String> type = sourceType(i);
                if (type.isEmpty()) {
                    continue;
                }
                String alias = SqlText.identifier(relation.columns().get(i).name());
                if (!(newRow.get(i) instanceof ColumnValue.UnchangedToast)) {
                    sql.append(inner).param(false, i, type.get());
                } else if (oldRow != null && oldRow.get(i) instanceof ColumnValue.Text) {
                    sql.append(inner).param(true, i, type.get());
                } else if (written[i] != null) {
                    sql.append(inner).append("tgt.").append(SqlText.identifier(written[i].targetName())).append("::")
                            .append(type.get());
                } else {
                    continue;
                }
                sql.append(" AS ").append(alias);
                inner = ", ";
            }
            sql.append(") AS s)");
        }
        if (setParts.isEmpty()) {
            // nothing sent but the key: still find the row, so that a missing one is noticed
            String any = target.columns().get(0).targetName();
            sql.append(SqlText.identifier(any)).append(" = tgt.").append(SqlText.identifier(any));
        }
        where(sql, identity, identity == Identity.NEW_ROW ? newRow : oldRow, identity != Identity.NEW_ROW);
        return sql;
    }

    /** The prepared DELETE (or, with an operation indicator, the soft-deleting UPDATE) of the row {@code old}. */
    PreparedStatement delete(OldTuple old) throws SQLException {
        return bind(deleteShape(old), null, old.tuple());
    }

    /** The DELETE of {@link #delete}, not bound. */
    Prepared deleteShape(OldTuple old) throws SQLException {
        Identity identity = identity(Optional.of(old));
        String key = "D" + identity + signature(old.tuple());
        Prepared p = statements.get(key);
        if (p == null) {
            Optional<AddedIndicator> indicator = indicator();
            Sql sql = new Sql(false);
            if (indicator.isPresent()) {
                ApplyTarget.AddedColumn a = target.addedColumns().stream()
                        .filter(x -> x.targetName().equals(indicator.get().targetName())).findFirst().orElseThrow();
                sql.append("UPDATE ").append(table).append(" AS tgt SET ").append(SqlText.identifier(a.targetName()))
                        .append(" = ").append(addedValue(a, 'D'));
            } else {
                sql.append("DELETE FROM ").append(table).append(" AS tgt");
            }
            where(sql, identity, old.tuple(), true);
            Optional<SetForm> set = Optional.empty();
            if (indicator.isEmpty() && !target.keyColumns().isEmpty()) {
                Sql many = new Sql(true).append("DELETE FROM ").append(table).append(" AS tgt");
                where(many, identity, old.tuple(), true);
                set = Optional.of(many.setForm(SetForm.Kind.DELETE));
            }
            p = prepare(key, sql, set);
        }
        return p;
    }

    private Identity identity(Optional<OldTuple> old) {
        return old.map(o -> o.kind() == OldTuple.Kind.KEY ? Identity.KEY : Identity.OLD_ROW).orElse(Identity.NEW_ROW);
    }

    /**
     * Appends the WHERE clause. With key columns: {@code key = value} (keys are NOT NULL and indexed). Without: the
     * first row whose identifying columns are NOT DISTINCT FROM the image's values, by ctid, so exactly one of
     * several identical rows changes; types without a btree equality (json, point, xml, composites…) compare as text
     * of the target type, both sides formatted by the same output function.
     */
    private void where(Sql sql, Identity identity, TupleData image, boolean old) throws SQLException {
        sql.append(sql.set ? FROM_MARK : "").append(" WHERE ");
        if (!target.keyColumns().isEmpty()) {
            String sep = "";
            for (String key : target.keyColumns()) {
                int i = indexOfTarget(key);
                if (i < 0) {
                    throw new SQLException("key column " + key + " of " + target.qualifiedTarget()
                            + " is not in the source relation " + relation.qualifiedName(), "42703");
                }
                if (identity == Identity.KEY && !relation.columns().get(i).isKey()) {
                    throw new SQLException("key column " + key + " of " + target.qualifiedTarget() + " is not part of"
                            + " the replica identity of " + relation.qualifiedName() + ", so the old key is not sent;"
                            + " set the source's REPLICA IDENTITY to the same key", "55000");
                }
                sql.append(sep).append("tgt.").append(SqlText.identifier(key)).append(" = ")
                        .param(old, i, written[i].targetType());
                sql.keyBinds.add(sql.binds.get(sql.binds.size() - 1));
                sep = " AND ";
            }
            return;
        }
        Set<String> asText = textCompared();
        boolean byTableoid = isPartitioned();
        sql.append(byTableoid ? "(tgt.tableoid, tgt.ctid) = (SELECT tableoid, ctid" : "tgt.ctid = (SELECT ctid")
                .append(" FROM ").append(table).append(" WHERE ");
        String sep = "";
        int conditions = 0;
        for (int i = 0; i < written.length; i++) {
            ApplyTarget.Column c = written[i];
            boolean meaningful = identity == Identity.OLD_ROW || relation.columns().get(i).isKey();
            if (c == null || !meaningful || image.get(i) instanceof ColumnValue.UnchangedToast) {
                continue;
            }
            String column = SqlText.identifier(c.targetName());
            sql.append(sep);
            if (asText.contains(c.targetName())) {
                sql.append(column).append("::text IS NOT DISTINCT FROM (").param(old, i, c.targetType())
                        .append(")::text");
            } else {
                sql.append(column).append(" IS NOT DISTINCT FROM ").param(old, i, c.targetType());
            }
            sep = " AND ";
            conditions++;
        }
        if (conditions == 0) {
            throw new SQLException("no column identifies rows of " + relation.qualifiedName() + " on "
                    + target.qualifiedTarget() + ": it has neither a target key nor a replica identity", "55000");
        }
        sql.append(" LIMIT 1)");
    }

    private int indexOfTarget(String targetName) {
        for (int i = 0; i < written.length; i++) {
            if (written[i] != null && written[i].targetName().equals(targetName)) {
                return i;
            }
        }
        return -1;
    }

    /** Target columns whose type (through domains and arrays) has no default btree operator class. */
    private Set<String> textCompared() throws SQLException {
        if (textCompared == null) {
            String query = """
                    SELECT a.attname
                      FROM pg_attribute a
                      JOIN pg_type t ON t.oid = a.atttypid
                      JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
                      JOIN pg_type e ON e.oid = CASE WHEN b.typcategory = 'A' AND b.typelem <> 0
                                                     THEN b.typelem ELSE b.oid END
                     WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                       AND NOT EXISTS (
                           SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
                            WHERE am.amname = 'btree' AND oc.opcdefault
                              AND oc.opcintype = CASE e.typtype WHEN 'e' THEN 'anyenum'::regtype::oid
                                                                WHEN 'r' THEN 'anyrange'::regtype::oid
                                                                WHEN 'm' THEN 4537::oid
                                                                ELSE e.oid END)
                    """;
            Set<String> names = new HashSet<>();
            try (PreparedStatement ps = conn.prepareStatement(query)) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            textCompared = names;
        }
        return textCompared;
    }

    boolean isPartitioned() throws SQLException {
        if (partitioned == null) {
            try (PreparedStatement ps = conn.prepareStatement("SELECT relkind = 'p' FROM pg_class WHERE oid = ?::regclass")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("target table " + target.qualifiedTarget() + " does not exist", "42P01");
                    }
                    partitioned = rs.getBoolean(1);
                }
            }
        }
        return partitioned;
    }

    /**
     * Whether this table's changes may run before or after another table's within one target transaction without
     * changing the outcome: no foreign key from or to it, no enabled user trigger, no rule, and not part of an
     * inheritance tree or a partition of another table (a partitioned table itself is fine: its rows arrive under
     * it, in order).
     */
    boolean reorderable() throws SQLException {
        if (reorderable == null) {
            try (PreparedStatement ps = conn.prepareStatement("""
                    SELECT NOT (c.relispartition OR c.relhasrules OR (c.relhassubclass AND c.relkind <> 'p')
                                OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
                                OR EXISTS (SELECT 1 FROM pg_trigger t
                                            WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgenabled <> 'D')
                                OR EXISTS (SELECT 1 FROM pg_constraint k
                                            WHERE k.contype = 'f' AND (k.conrelid = c.oid OR k.confrelid = c.oid)))
                      FROM pg_class c WHERE c.oid = ?::regclass""")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("target table " + target.qualifiedTarget() + " does not exist", "42P01");
                    }
                    reorderable = rs.getBoolean(1);
                }
            }
        }
        return reorderable;
    }

    /**
     * How a run of key-preserving UPDATEs of this table may be sent.
     *
     * @param asOneStatement the rows may change in one statement: PostgreSQL checks a unique index or an exclusion
     *                       constraint as each row changes, not at the end of the statement, so one UPDATE over many
     *                       rows can fail where the same changes one by one succeed (two unique values swapped
     *                       through a third). Only when every such index covers key columns alone (which these
     *                       UPDATEs never change), with no expression and no predicate, is the order of the rows moot
     * @param merge          a later UPDATE of a row may replace an earlier one of the same run: the rows may change
     *                       in one statement and nothing on the target (a trigger, a rule) sees each change
     */
    record UpdateRuns(boolean asOneStatement, boolean merge) {
    }

    UpdateRuns updateRuns() throws SQLException {
        if (updateRuns == null) {
            try (PreparedStatement ps = conn.prepareStatement("""
                    SELECT NOT EXISTS (SELECT 1 FROM pg_index i
                                        WHERE (i.indrelid = c.oid  -- a table that is not partitioned has no tree
                                                 OR i.indrelid IN (SELECT relid FROM pg_partition_tree(c.oid)))
                                          AND (i.indisunique OR i.indisexclusion)
                                          AND (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL
                                               OR EXISTS (SELECT 1 FROM pg_attribute a
                                                           WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                                                             AND NOT a.attname = ANY (?::text[])))),
                           NOT (c.relhasrules OR EXISTS (SELECT 1 FROM pg_trigger t
                                                          WHERE t.tgrelid = c.oid AND NOT t.tgisinternal
                                                            AND t.tgenabled <> 'D'))
                      FROM pg_class c WHERE c.oid = ?::regclass""")) {
                ps.setArray(1, conn.createArrayOf("text", target.keyColumns().toArray()));
                ps.setString(2, table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("target table " + target.qualifiedTarget() + " does not exist", "42P01");
                    }
                    boolean oneStatement = rs.getBoolean(1);
                    updateRuns = new UpdateRuns(oneStatement, oneStatement && rs.getBoolean(2));
                }
            }
        }
        return updateRuns;
    }

    // ---------------------------------------------------------------- binding

    /** 'v' sent, 'n' null, 'u' unchanged TOAST, per column: the part of a statement's shape the values decide. */
    private static String signature(TupleData row) {
        StringBuilder s = new StringBuilder(row.size());
        for (ColumnValue v : row.values()) {
            s.append(v instanceof ColumnValue.UnchangedToast ? 'u' : 'v');
        }
        return s.toString();
    }

    private Prepared prepare(String key, Sql sql, Optional<SetForm> set) throws SQLException {
        if (statements.size() >= MAX_CACHED_STATEMENTS) {
            beforeEviction.run();
            close();
        }
        Prepared p = new Prepared(key, conn.prepareStatement(sql.text.toString()), List.copyOf(sql.binds), set);
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

    /** The key of a row in a set form, to find repeated keys among many changes. */
    List<String> keyOf(Prepared p, TupleData newRow, TupleData oldRow) throws SQLException {
        List<String> key = new ArrayList<>(2);
        for (Bind b : p.set().orElseThrow().keyBinds()) {
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
        String column = relation.columns().get(b.index()).name();
        if (value instanceof ColumnValue.Binary) {
            throw new SQLException("column " + column + " of " + relation.qualifiedName() + " arrived in binary"
                    + " form; the stream must run with the text format (no 'binary' option)", "0A000");
        }
        throw new IllegalStateException("unchanged-TOAST marker of column " + column + " reached a statement: a bug");
    }

    /** The key of {@code row} (or its first columns when the table has none), for error messages. */
    String describeKey(TupleData row) {
        if (row == null) {
            return "(no row)";
        }
        List<String> parts = new ArrayList<>();
        List<RelationColumn> columns = relation.columns();
        for (int i = 0; i < columns.size() && i < row.size(); i++) {
            boolean key = target.keyColumns().isEmpty() ? columns.get(i).isKey()
                    : written[i] != null && target.keyColumns().contains(written[i].targetName());
            if (key) {
                String v = String.valueOf(row.get(i));
                parts.add(columns.get(i).name() + "=" + (v.length() > 100 ? v.substring(0, 100) + "…" : v));
            }
            if (parts.size() >= 8) {
                break;
            }
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private static String quotedList(List<String> names) {
        return String.join(", ", names.stream().map(SqlText::identifier).toList());
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

    /**
     * SQL text with its bindings, in order: {@code ?} parameters, or, for a set form, columns {@code u.pN} of the
     * unnested arrays.
     */
    private static final class Sql {
        final boolean set;
        final StringBuilder text = new StringBuilder(256);
        final List<Bind> binds = new ArrayList<>();
        final List<Bind> keyBinds = new ArrayList<>();

        Sql(boolean set) {
            this.set = set;
        }

        Sql append(String s) {
            text.append(s);
            return this;
        }

        Sql param(boolean old, int index, String cast) {
            binds.add(new Bind(old, index));
            text.append(set ? "u.p" + binds.size() : "?").append("::").append(cast);
            return this;
        }

        /** The set form: the unnested arrays where the FROM (USING) clause goes; row ordinals returned. */
        SetForm setForm(SetForm.Kind kind) {
            StringBuilder from = new StringBuilder(kind == SetForm.Kind.DELETE ? " USING unnest(" : " FROM unnest(");
            StringBuilder names = new StringBuilder();
            for (int n = 1; n <= binds.size(); n++) {
                from.append(n > 1 ? ", " : "").append("?::text[]");
                names.append(n > 1 ? ", " : "").append("p").append(n);
            }
            from.append(")");
            String sql;
            if (kind == SetForm.Kind.INSERT) {
                sql = text.toString().replace(FROM_MARK, from + " AS u(" + names + ")");
            } else {
                sql = text.toString().replace(FROM_MARK, from + " WITH ORDINALITY AS u(" + names + ", ord)")
                        + " RETURNING u.ord";
            }
            return new SetForm(kind, sql, List.copyOf(binds), List.copyOf(keyBinds));
        }
    }
}

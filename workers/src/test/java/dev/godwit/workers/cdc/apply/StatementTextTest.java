package dev.godwit.workers.cdc.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.mappings.rules.OperationIndicator;
import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The statement text of each shape of change, without a server. The fixture: source {@code src.t (id, name, doc json,
 * secret, big)} on target {@code "dst"."T x" (id, "Name", doc, big)}, {@code secret} not written.
 */
class StatementTextTest {

    /** The catalog facts of a target without a key, as the catalog would answer them. */
    private record Facts(Set<String> textCompared, boolean isPartitioned) implements WhereClause.KeylessFacts {
    }

    private static final Facts HEAP = new Facts(Set.of("doc"), false);
    private static final Facts PARTITIONED = new Facts(Set.of("doc"), true);

    private static final ApplyTarget.AddedColumn COMPUTED = new ApplyTarget.AddedColumn("label", "text",
            "\"name\" || 'x' || \"secret\"", Optional.empty());
    private static final ApplyTarget.AddedColumn INDICATOR = new ApplyTarget.AddedColumn("op", "char(1)", null,
            Optional.of(new OperationIndicator("D", null, "I")));

    private static final String TABLE = "\"dst\".\"T x\"";

    /** Every column sent. */
    private static final TupleData FULL_ROW = row("1", "n", "{}", "s", "b");
    /** {@code big} not sent: unchanged TOAST. */
    private static final TupleData TOASTED = row("1", "n", "{}", "s", null);
    /** Only the key sent. */
    private static final TupleData KEY_ONLY = row("1", null, null, null, null);

    // ---------------------------------------------------------------- INSERT

    @Test
    void plainInsertHasValuesAndASetFormOverUnnestedArrays() {
        InsertText insert = new InsertText(columns(ReplicaIdentity.DEFAULT, List.of("id"), List.of()), false);
        assertEquals("INSERT INTO " + TABLE + " (\"id\", \"Name\", \"doc\", \"big\")"
                + " VALUES (?::bigint, ?::text, ?::json, ?::text)", insert.statement().sql());
        assertEquals(binds(false, 0, 1, 2, 4), insert.statement().binds());
        SetForm set = insert.set().orElseThrow();
        assertEquals(SetForm.Kind.INSERT, set.kind());
        assertEquals("INSERT INTO " + TABLE + " (\"id\", \"Name\", \"doc\", \"big\")"
                + " SELECT u.p1::bigint, u.p2::text, u.p3::json, u.p4::text"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS u(p1, p2, p3, p4)", set.sql());
        assertEquals(binds(false, 0, 1, 2, 4), set.binds());
        assertEquals(List.of(), set.keyBinds());
    }

    @Test
    void insertWithAddedColumnsReadsADerivedRowOfSourceColumns() {
        InsertText insert = new InsertText(columns(ReplicaIdentity.DEFAULT, List.of("id"),
                List.of(COMPUTED, INDICATOR)), false);
        assertEquals("INSERT INTO " + TABLE + " (\"id\", \"Name\", \"doc\", \"big\", \"label\", \"op\")"
                + " SELECT s.\"id\"::bigint, s.\"name\"::text, s.\"doc\"::json, s.\"big\"::text,"
                + " (\"name\" || 'x' || \"secret\")::text, 'I'::char(1)"
                + " FROM (VALUES (?::bigint, ?::text, ?::json, ?::varchar(10), ?::text))"
                + " AS s(\"id\", \"name\", \"doc\", \"secret\", \"big\")", insert.statement().sql());
        assertEquals(binds(false, 0, 1, 2, 3, 4), insert.statement().binds());
        assertTrue(insert.set().isEmpty(), "computed columns have no set form");
    }

    @Test
    void upsertUpdatesEveryColumnButTheKey() {
        InsertText insert = new InsertText(columns(ReplicaIdentity.DEFAULT, List.of("id"), List.of()), true);
        assertEquals("INSERT INTO " + TABLE + " (\"id\", \"Name\", \"doc\", \"big\")"
                + " VALUES (?::bigint, ?::text, ?::json, ?::text) ON CONFLICT (\"id\") DO UPDATE SET"
                + " \"Name\" = EXCLUDED.\"Name\", \"doc\" = EXCLUDED.\"doc\", \"big\" = EXCLUDED.\"big\"",
                insert.statement().sql());
        assertTrue(insert.set().isEmpty(), "an upsert has no set form");
    }

    @Test
    void upsertWithAddedColumnsSetsThemToo() {
        InsertText insert = new InsertText(columns(ReplicaIdentity.DEFAULT, List.of("id"),
                List.of(COMPUTED, INDICATOR)), true);
        assertTrue(insert.statement().sql().endsWith(" AS s(\"id\", \"name\", \"doc\", \"secret\", \"big\")"
                + " ON CONFLICT (\"id\") DO UPDATE SET \"Name\" = EXCLUDED.\"Name\", \"doc\" = EXCLUDED.\"doc\","
                + " \"big\" = EXCLUDED.\"big\", \"label\" = EXCLUDED.\"label\", \"op\" = EXCLUDED.\"op\""),
                insert.statement().sql());
    }

    @Test
    void upsertOfAKeyOfEveryColumnDoesNothing() {
        InsertText insert = new InsertText(columns(ReplicaIdentity.DEFAULT, List.of("id", "Name", "doc", "big"),
                List.of()), true);
        assertEquals("INSERT INTO " + TABLE + " (\"id\", \"Name\", \"doc\", \"big\")"
                + " VALUES (?::bigint, ?::text, ?::json, ?::text) ON CONFLICT (\"id\", \"Name\", \"doc\", \"big\")"
                + " DO NOTHING", insert.statement().sql());
    }

    @Test
    void withoutAKeyThereIsNoUpsert() {
        InsertText insert = new InsertText(columns(ReplicaIdentity.FULL, List.of(), List.of()), true);
        assertEquals("INSERT INTO " + TABLE + " (\"id\", \"Name\", \"doc\", \"big\")"
                + " VALUES (?::bigint, ?::text, ?::json, ?::text)", insert.statement().sql());
        assertTrue(insert.set().isPresent());
    }

    // ---------------------------------------------------------------- UPDATE

    @Test
    void updateByTheNewRowsKeyLeavesTheKeyOutOfSetAndHasASetForm() throws SQLException {
        UpdateText update = update(ReplicaIdentity.DEFAULT, List.of("id"), List.of(), HEAP);
        RowStatement s = update.statement(RowIdentity.NEW_ROW, FULL_ROW, null);
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"Name\" = ?::text, \"doc\" = ?::json, \"big\" = ?::text"
                + " WHERE tgt.\"id\" = ?::bigint", s.sql());
        assertEquals(binds(false, 1, 2, 4, 0), s.binds());
        assertTrue(update.hasSetForm(RowIdentity.NEW_ROW));
        SetForm set = update.set(RowIdentity.NEW_ROW, FULL_ROW, null);
        assertEquals(SetForm.Kind.UPDATE, set.kind());
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"Name\" = u.p1::text, \"doc\" = u.p2::json,"
                + " \"big\" = u.p3::text FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])"
                + " WITH ORDINALITY AS u(p1, p2, p3, p4, ord) WHERE tgt.\"id\" = u.p4::bigint RETURNING u.ord",
                set.sql());
        assertEquals(binds(false, 1, 2, 4, 0), set.binds());
        assertEquals(binds(false, 0), set.keyBinds());
    }

    @Test
    void unchangedToastColumnsAreLeftOutOfSet() throws SQLException {
        UpdateText update = update(ReplicaIdentity.DEFAULT, List.of("id"), List.of(), HEAP);
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"Name\" = ?::text, \"doc\" = ?::json"
                + " WHERE tgt.\"id\" = ?::bigint", update.statement(RowIdentity.NEW_ROW, TOASTED, null).sql());
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"Name\" = u.p1::text, \"doc\" = u.p2::json"
                + " FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS u(p1, p2, p3, ord)"
                + " WHERE tgt.\"id\" = u.p3::bigint RETURNING u.ord",
                update.set(RowIdentity.NEW_ROW, TOASTED, null).sql());
    }

    @Test
    void anUpdateThatSendsOnlyTheKeyStillFindsItsRow() throws SQLException {
        UpdateText update = update(ReplicaIdentity.DEFAULT, List.of("id"), List.of(), HEAP);
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"id\" = tgt.\"id\" WHERE tgt.\"id\" = ?::bigint",
                update.statement(RowIdentity.NEW_ROW, KEY_ONLY, null).sql());
    }

    @Test
    void updateByTheOldKeySetsTheKeyToo() throws SQLException {
        UpdateText update = update(ReplicaIdentity.DEFAULT, List.of("id"), List.of(), HEAP);
        RowStatement s = update.statement(RowIdentity.KEY, TOASTED, row("1", "", "", "", ""));
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"id\" = ?::bigint, \"Name\" = ?::text, \"doc\" = ?::json"
                + " WHERE tgt.\"id\" = ?::bigint", s.sql());
        assertEquals(List.of(new Bind(false, 0), new Bind(false, 1), new Bind(false, 2), new Bind(true, 0)),
                s.binds());
        assertFalse(update.hasSetForm(RowIdentity.KEY), "the key may change: no set form");
        assertFalse(update.hasSetForm(RowIdentity.OLD_ROW));
    }

    @Test
    void updateByTheOldRowWithAKeyFindsItByTheOldKey() throws SQLException {
        UpdateText update = update(ReplicaIdentity.FULL, List.of("id"), List.of(), HEAP);
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"id\" = ?::bigint, \"Name\" = ?::text, \"doc\" = ?::json"
                + " WHERE tgt.\"id\" = ?::bigint", update.statement(RowIdentity.OLD_ROW, TOASTED, FULL_ROW).sql());
    }

    @Test
    void underReplicaIdentityFullWithoutAKeyTheRowIsFoundByCtidWithIsNotDistinctFrom() throws SQLException {
        UpdateText update = update(ReplicaIdentity.FULL, List.of(), List.of(), HEAP);
        RowStatement s = update.statement(RowIdentity.OLD_ROW, TOASTED, FULL_ROW);
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"id\" = ?::bigint, \"Name\" = ?::text, \"doc\" = ?::json"
                + " WHERE tgt.ctid = (SELECT ctid FROM " + TABLE + " WHERE \"id\" IS NOT DISTINCT FROM ?::bigint"
                + " AND \"Name\" IS NOT DISTINCT FROM ?::text"
                + " AND \"doc\"::text IS NOT DISTINCT FROM (?::json)::text"
                + " AND \"big\" IS NOT DISTINCT FROM ?::text LIMIT 1)", s.sql());
        assertEquals(List.of(new Bind(false, 0), new Bind(false, 1), new Bind(false, 2), new Bind(true, 0),
                new Bind(true, 1), new Bind(true, 2), new Bind(true, 4)), s.binds());
        assertFalse(update.hasSetForm(RowIdentity.NEW_ROW), "no key: no set form");
    }

    @Test
    void anOldRowsUnchangedToastColumnDoesNotIdentifyIt() throws SQLException {
        UpdateText update = update(ReplicaIdentity.FULL, List.of(), List.of(), HEAP);
        assertTrue(update.statement(RowIdentity.OLD_ROW, TOASTED, TOASTED).sql()
                .endsWith(" AND \"doc\"::text IS NOT DISTINCT FROM (?::json)::text LIMIT 1)"));
    }

    @Test
    void aPartitionedTargetIsSearchedByTableoidAndCtid() throws SQLException {
        UpdateText update = update(ReplicaIdentity.FULL, List.of(), List.of(), PARTITIONED);
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"id\" = ?::bigint WHERE (tgt.tableoid, tgt.ctid) ="
                + " (SELECT tableoid, ctid FROM " + TABLE + " WHERE \"id\" IS NOT DISTINCT FROM ?::bigint LIMIT 1)",
                update.statement(RowIdentity.NEW_ROW, KEY_ONLY, null).sql());
    }

    @Test
    void computedColumnsReadSentValuesElseTheOldRowElseTheTarget() throws SQLException {
        UpdateText update = update(ReplicaIdentity.FULL, List.of("id"), List.of(COMPUTED), HEAP);
        RowStatement s = update.statement(RowIdentity.OLD_ROW, KEY_ONLY, row("1", null, "{}", "s", null));
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"id\" = ?::bigint, \"label\" = (SELECT"
                + " (\"name\" || 'x' || \"secret\")::text FROM (SELECT ?::bigint AS \"id\", tgt.\"Name\"::text"
                + " AS \"name\", ?::json AS \"doc\", ?::varchar(10) AS \"secret\", tgt.\"big\"::text AS \"big\")"
                + " AS s) WHERE tgt.\"id\" = ?::bigint", s.sql());
        assertEquals(List.of(new Bind(false, 0), new Bind(false, 0), new Bind(true, 2), new Bind(true, 3),
                new Bind(true, 0)), s.binds());
        assertFalse(update.hasSetForm(RowIdentity.NEW_ROW), "computed columns: no set form");
    }

    @Test
    void anOperationIndicatorIsSetToItsUpdateValue() throws SQLException {
        UpdateText update = update(ReplicaIdentity.DEFAULT, List.of("id"), List.of(INDICATOR), HEAP);
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"Name\" = ?::text, \"doc\" = ?::json,"
                + " \"op\" = NULL::char(1) WHERE tgt.\"id\" = ?::bigint",
                update.statement(RowIdentity.NEW_ROW, TOASTED, null).sql());
    }

    @Test
    void aKeyColumnOutsideTheReplicaIdentityIsRefused() {
        UpdateText update = update(ReplicaIdentity.DEFAULT, List.of("id", "Name"), List.of(), HEAP);
        SQLException e = assertThrows(SQLException.class,
                () -> update.statement(RowIdentity.KEY, TOASTED, KEY_ONLY));
        assertEquals("key column Name of dst.T x is not part of the replica identity of src.t, so the old key is"
                + " not sent; set the source's REPLICA IDENTITY to the same key", e.getMessage());
        assertEquals("55000", e.getSQLState());
    }

    // ---------------------------------------------------------------- DELETE

    @Test
    void deleteByKeyHasASetFormWithUsing() throws SQLException {
        DeleteText delete = delete(ReplicaIdentity.DEFAULT, List.of("id"), List.of(), HEAP);
        RowStatement s = delete.statement(RowIdentity.KEY, KEY_ONLY);
        assertEquals("DELETE FROM " + TABLE + " AS tgt WHERE tgt.\"id\" = ?::bigint", s.sql());
        assertEquals(binds(true, 0), s.binds());
        SetForm set = delete.set(RowIdentity.KEY, KEY_ONLY).orElseThrow();
        assertEquals(SetForm.Kind.DELETE, set.kind());
        assertEquals("DELETE FROM " + TABLE + " AS tgt USING unnest(?::text[]) WITH ORDINALITY AS u(p1, ord)"
                + " WHERE tgt.\"id\" = u.p1::bigint RETURNING u.ord", set.sql());
        assertEquals(binds(true, 0), set.keyBinds());
    }

    @Test
    void deleteWithoutAKeyIsByTheOldRow() throws SQLException {
        DeleteText delete = delete(ReplicaIdentity.FULL, List.of(), List.of(), HEAP);
        assertEquals("DELETE FROM " + TABLE + " AS tgt WHERE tgt.ctid = (SELECT ctid FROM " + TABLE
                + " WHERE \"id\" IS NOT DISTINCT FROM ?::bigint AND \"Name\" IS NOT DISTINCT FROM ?::text"
                + " AND \"doc\"::text IS NOT DISTINCT FROM (?::json)::text LIMIT 1)",
                delete.statement(RowIdentity.OLD_ROW, TOASTED).sql());
        assertTrue(delete.set(RowIdentity.OLD_ROW, TOASTED).isEmpty());
    }

    @Test
    void anOperationIndicatorMakesADeleteASoftDelete() throws SQLException {
        DeleteText delete = delete(ReplicaIdentity.DEFAULT, List.of("id"), List.of(COMPUTED, INDICATOR), HEAP);
        assertEquals("UPDATE " + TABLE + " AS tgt SET \"op\" = 'D'::char(1) WHERE tgt.\"id\" = ?::bigint",
                delete.statement(RowIdentity.KEY, KEY_ONLY).sql());
        assertTrue(delete.set(RowIdentity.KEY, KEY_ONLY).isEmpty(), "a soft delete has no set form");
    }

    @Test
    void aRowThatNothingIdentifiesIsRefused() {
        DeleteText delete = delete(ReplicaIdentity.DEFAULT, List.of(), List.of(), HEAP);
        SQLException e = assertThrows(SQLException.class,
                () -> delete.statement(RowIdentity.KEY, row(null, "n", "{}", "s", "b")));
        assertEquals("no column identifies rows of src.t on dst.T x: it has neither a target key nor a replica"
                + " identity", e.getMessage());
        assertEquals("55000", e.getSQLState());
    }

    // ---------------------------------------------------------------- fixture

    private static ColumnMap columns(ReplicaIdentity identity, List<String> keys,
                                     List<ApplyTarget.AddedColumn> added) {
        int flags = identity == ReplicaIdentity.FULL ? RelationColumn.FLAG_KEY : 0;
        Relation relation = new Relation(1, "src", "t", identity, List.of(
                new RelationColumn(RelationColumn.FLAG_KEY, "id", 20, -1), new RelationColumn(flags, "name", 25, -1),
                new RelationColumn(flags, "doc", 114, -1), new RelationColumn(flags, "secret", 25, -1),
                new RelationColumn(flags, "big", 25, -1)));
        ApplyTarget target = new ApplyTarget("src", "t", "dst", "T x", List.of(
                new ApplyTarget.Column("id", "id", "bigint"), new ApplyTarget.Column("name", "Name", "text"),
                new ApplyTarget.Column("doc", "doc", "json"), new ApplyTarget.Column("big", "big", "text")),
                Set.of("secret"), Map.of("id", "bigint", "name", "text", "doc", "json", "secret", "varchar(10)",
                "big", "text"), added, keys, Optional.empty());
        return new ColumnMap(relation, target);
    }

    private static UpdateText update(ReplicaIdentity identity, List<String> keys, List<ApplyTarget.AddedColumn> added,
                                     Facts facts) {
        ColumnMap columns = columns(identity, keys, added);
        return new UpdateText(columns, new WhereClause(columns, facts));
    }

    private static DeleteText delete(ReplicaIdentity identity, List<String> keys, List<ApplyTarget.AddedColumn> added,
                                     Facts facts) {
        ColumnMap columns = columns(identity, keys, added);
        return new DeleteText(columns, new WhereClause(columns, facts));
    }

    /** A row image: null stands for an unchanged-TOAST value, "" for SQL NULL. */
    private static TupleData row(String... values) {
        List<ColumnValue> row = new ArrayList<>();
        for (String v : values) {
            row.add(v == null ? ColumnValue.UnchangedToast.INSTANCE : v.isEmpty() ? ColumnValue.Null.INSTANCE
                    : new ColumnValue.Text(v));
        }
        return new TupleData(row);
    }

    private static List<Bind> binds(boolean old, int... indexes) {
        List<Bind> binds = new ArrayList<>();
        for (int i : indexes) {
            binds.add(new Bind(old, i));
        }
        return binds;
    }
}

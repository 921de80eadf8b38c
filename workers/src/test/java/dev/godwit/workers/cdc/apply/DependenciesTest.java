package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.OldTuple;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DependenciesTest {
    private static final KeyShape ACCOUNTS = new KeyShape("public.accounts", new int[] {0}, true, false);
    private static final KeyShape KEYLESS = new KeyShape("public.bag", new int[0], false, true);
    private static final KeyShape UNIQUE = new KeyShape("public.users", new int[] {0}, true, true);

    private final long[] committed = new long[3];
    private final Dependencies deps = new Dependencies(3, lane -> committed[lane]);

    private static TupleData row(String... values) {
        return new TupleData(java.util.Arrays.stream(values)
                .map(v -> v == null ? (ColumnValue) ColumnValue.Null.INSTANCE : new ColumnValue.Text(v)).toList());
    }

    private static TransactionKeys updateOf(KeyShape shape, String key) {
        TransactionKeys keys = new TransactionKeys();
        keys.update(shape, Optional.empty(), row(key, "x"));
        return keys;
    }

    @Test
    void aTransactionFollowsTheLaneThatHoldsItsRowUntilThatCommits() {
        deps.given(updateOf(ACCOUNTS, "1"), 1, 1);
        assertEquals(1L << 1, deps.conflicts(updateOf(ACCOUNTS, "1")));
        assertEquals(0, deps.conflicts(updateOf(ACCOUNTS, "2")));
        committed[1] = 1;
        assertEquals(0, deps.conflicts(updateOf(ACCOUNTS, "1")));
    }

    @Test
    void aKeyChangeHoldsTheOldAndTheNewKey() {
        TransactionKeys move = new TransactionKeys();
        move.update(ACCOUNTS, Optional.of(new OldTuple(OldTuple.Kind.KEY, row("7", null))), row("8", "x"));
        deps.given(move, 2, 1);
        assertEquals(1L << 2, deps.conflicts(updateOf(ACCOUNTS, "7")));
        assertEquals(1L << 2, deps.conflicts(updateOf(ACCOUNTS, "8")));
    }

    @Test
    void twoLanesInTheWayAreSeenTogether() {
        deps.given(updateOf(ACCOUNTS, "1"), 0, 1);
        deps.given(updateOf(ACCOUNTS, "2"), 2, 2);
        TransactionKeys both = updateOf(ACCOUNTS, "1");
        both.update(ACCOUNTS, Optional.empty(), row("2", "y"));
        assertEquals(0b101, deps.conflicts(both));
        committed[0] = 1;
        assertEquals(0b100, deps.conflicts(both));
    }

    @Test
    void insertsIntoAKeylessTableShareItButAnUpdateOfItWaitsForAllWriters() {
        TransactionKeys insert = new TransactionKeys();
        insert.insert(KEYLESS, row("1", "a"));
        deps.given(insert, 0, 1);
        TransactionKeys another = new TransactionKeys();
        another.insert(KEYLESS, row("1", "a"));
        assertEquals(0, deps.conflicts(another));
        deps.given(another, 1, 2);
        TransactionKeys update = updateOf(KEYLESS, "1");
        assertEquals(0b011, deps.conflicts(update));
        deps.given(update, 1, 3);
        committed[0] = 1;
        // a later insert must follow the whole-table update
        assertEquals(0b010, deps.conflicts(another));
    }

    @Test
    void aDeleteFromATableWithAnotherUniqueConstraintOrdersItsInserts() {
        TransactionKeys delete = new TransactionKeys();
        delete.delete(UNIQUE, new OldTuple(OldTuple.Kind.KEY, row("1", null)));
        deps.given(delete, 2, 1);
        TransactionKeys insertOfAnotherKey = new TransactionKeys();
        insertOfAnotherKey.insert(UNIQUE, row("99", "same@example.org"));
        assertEquals(1L << 2, deps.conflicts(insertOfAnotherKey));
    }

    @Test
    void anOldKeyImageWithoutTheTargetKeyCannotBeToldApart() {
        KeyShape otherKey = new KeyShape("public.t", new int[] {1}, false, false);
        TransactionKeys delete = new TransactionKeys();
        delete.delete(otherKey, new OldTuple(OldTuple.Kind.KEY, row("1", null)));
        assertTrue(delete.exclusive.contains("public.t"));
    }

    @Test
    void rowKeysDependOnTableAndValues() {
        assertEquals(ACCOUNTS.keyOf(row("1", "a")), ACCOUNTS.keyOf(row("1", "b")));
        assertNotEquals(ACCOUNTS.keyOf(row("1", "a")), ACCOUNTS.keyOf(row("2", "a")));
        assertNotEquals(ACCOUNTS.keyOf(row("1", "a")),
                new KeyShape("public.other", new int[] {0}, true, false).keyOf(row("1", "a")));
        assertTrue(ACCOUNTS.keyOf(new TupleData(List.of(ColumnValue.UnchangedToast.INSTANCE))).isEmpty());
    }
}

package dev.godwit.workers.cdc.pgoutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.workers.cdc.pgoutput.ColumnValue.Null;
import dev.godwit.workers.cdc.pgoutput.ColumnValue.Text;
import dev.godwit.workers.cdc.pgoutput.ColumnValue.UnchangedToast;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Type;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelationCacheTest {

    private static final Relation ORDERS_V1 = new Relation(16385, "sales", "orders", ReplicaIdentity.DEFAULT,
            List.of(new RelationColumn(1, "id", 20, -1), new RelationColumn(0, "note", 25, -1)));
    private static final Relation ORDERS_V2 = new Relation(16385, "sales", "orders", ReplicaIdentity.DEFAULT,
            List.of(new RelationColumn(1, "id", 20, -1), new RelationColumn(0, "status", 25, -1),
                    new RelationColumn(0, "note", 25, -1)));

    private final RelationCache cache = new RelationCache();

    @Test
    void mapsTupleValuesToColumnNamesInRelationOrder() {
        cache.put(ORDERS_V1);
        Map<String, ColumnValue> values = cache.valuesByName(16385, TupleData.of(new Text("1"), Null.INSTANCE));
        assertEquals(List.of("id", "note"), List.copyOf(values.keySet()));
        assertEquals(new Text("1"), values.get("id"));
        assertEquals(Null.INSTANCE, values.get("note"));
    }

    @Test
    void aRelationResentAfterDdlReplacesTheOldOneAndIsReturnedForComparison() {
        assertEquals(Optional.empty(), cache.put(ORDERS_V1));
        assertEquals(Optional.of(ORDERS_V1), cache.put(ORDERS_V2));
        assertEquals(1, cache.size());
        Map<String, ColumnValue> values = cache.valuesByName(16385,
                TupleData.of(new Text("1"), new Text("paid"), UnchangedToast.INSTANCE));
        assertEquals(new Text("paid"), values.get("status"));
        assertEquals(UnchangedToast.INSTANCE, values.get("note"));
    }

    @Test
    void unknownRelationIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.require(99));
        assertTrue(e.getMessage().contains("no Relation message received for relation id 99"), e.getMessage());
        assertEquals(Optional.empty(), cache.get(99));
    }

    @Test
    void tupleWithADifferentColumnCountIsAClearError() {
        cache.put(ORDERS_V2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cache.valuesByName(16385, TupleData.of(new Text("1"), new Text("x"))));
        assertTrue(e.getMessage().contains("tuple has 2 columns but relation sales.orders (id 16385) has 3"),
                e.getMessage());
    }

    @Test
    void typeCacheResolvesQualifiedNamesOfTypesItHasSeen() {
        TypeCache types = new TypeCache();
        types.put(new Type(16401, "public", "mood"));
        assertEquals(Optional.of("public.mood"), types.qualifiedName(16401));
        assertEquals(Optional.empty(), types.qualifiedName(16402));
        types.put(new Type(16401, "public", "feeling"));
        assertEquals(Optional.of(new Type(16401, "public", "feeling")), types.get(16401));
    }
}

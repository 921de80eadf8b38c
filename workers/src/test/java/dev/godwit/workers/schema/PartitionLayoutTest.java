package dev.godwit.workers.schema;

import dev.godwit.workers.catalog.ReplicaIdentity;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PartitionLayoutTest {

    private static Table relation(long oid, String schema, String name, TableKind kind, OptionalLong parent) {
        return new Table(oid, schema, name, kind, false, false, ReplicaIdentity.DEFAULT, Optional.empty(), List.of(),
                Optional.empty(), List.of(), List.of(), Optional.empty(), parent, Optional.empty(), List.of(), 0, 0,
                false, Optional.empty(), Optional.empty(), Optional.empty(), true);
    }

    @Test
    void placesEveryParentBeforeItsChildrenAndLeavesOutPartitionsWithoutAGivenParent() {
        Table root = relation(1, "s", "o", TableKind.PARTITIONED, OptionalLong.empty());
        Table leaf = relation(3, "s", "o_2024_eu", TableKind.TABLE, OptionalLong.of(2));
        Table mid = relation(2, "other", "o_2024", TableKind.PARTITIONED, OptionalLong.of(1));
        Table orphan = relation(5, "s", "o_lost", TableKind.TABLE, OptionalLong.of(4));
        Table flat = relation(6, "s", "o_default", TableKind.TABLE, OptionalLong.of(1));

        PartitionLayout layout = PartitionLayout.of(root, "\"t\".\"o\"", List.of(leaf, orphan, mid, flat),
                p -> p.schema().equals("s") ? "t" : p.schema());

        assertEquals(List.of(new PartitionLayout.Placed(mid, "\"other\".\"o_2024\"", "\"t\".\"o\""),
                        new PartitionLayout.Placed(flat, "\"t\".\"o_default\"", "\"t\".\"o\""),
                        new PartitionLayout.Placed(leaf, "\"t\".\"o_2024_eu\"", "\"other\".\"o_2024\"")),
                layout.placed());
        assertEquals(List.of(orphan), layout.orphans());
    }
}

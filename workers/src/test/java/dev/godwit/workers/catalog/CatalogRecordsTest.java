package dev.godwit.workers.catalog;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogRecordsTest {

    @Test
    void quotesQualifiedNamesAlwaysAndDoublesEmbeddedQuotes() {
        assertEquals("\"public\".\"orders\"", table("public", "orders", ReplicaIdentity.DEFAULT, null, null)
                .qualifiedName());
        assertEquals("\"My \"\"Schema\"\"\".\"Order Items\"", Identifiers.qualified("My \"Schema\"", "Order Items"));
    }

    @Test
    void aReplicaIdentityIsUsableWhenFullOrBackedByAnIndexOrAPrimaryKey() {
        PrimaryKey pk = new PrimaryKey("t_pkey", List.of("id"));
        assertTrue(table("s", "t", ReplicaIdentity.FULL, null, null).usableReplicaIdentity());
        assertTrue(table("s", "t", ReplicaIdentity.DEFAULT, pk, null).usableReplicaIdentity());
        assertFalse(table("s", "t", ReplicaIdentity.DEFAULT, null, null).usableReplicaIdentity());
        assertTrue(table("s", "t", ReplicaIdentity.INDEX, null, "t_key").usableReplicaIdentity());
        assertFalse(table("s", "t", ReplicaIdentity.INDEX, null, null).usableReplicaIdentity());
        assertFalse(table("s", "t", ReplicaIdentity.NOTHING, pk, null).usableReplicaIdentity());
    }

    @Test
    void findsChildrenByPartitionParentAndByInheritanceParent() {
        Table parent = table("s", "parent", ReplicaIdentity.DEFAULT, null, null);
        Table partition = withParents(table("s", "p1", ReplicaIdentity.DEFAULT, null, null),
                OptionalLong.of(parent.oid()), List.of());
        Table child = withParents(table("s", "c1", ReplicaIdentity.DEFAULT, null, null), OptionalLong.empty(),
                List.of(parent.oid()));
        Table other = table("s", "other", ReplicaIdentity.DEFAULT, null, null);
        SourceCatalog catalog = new SourceCatalog(170000, "17.0", "UTF8", List.of(child, other, parent, partition),
                List.of(), List.of(), List.of(), List.of());
        assertEquals(List.of(child, partition), catalog.children(parent));
        assertTrue(partition.isPartition());
        assertTrue(child.isInheritanceChild());
        assertEquals(Optional.of(parent), catalog.tableByOid(parent.oid()));
        assertEquals(17, catalog.majorVersion());
    }

    @Test
    void mapsCatalogCodesToEnumsAndRejectsUnknownOnes() {
        assertEquals(TableKind.MATERIALIZED_VIEW, TableKind.of("m"));
        assertEquals(ReplicaIdentity.NOTHING, ReplicaIdentity.of("n"));
        assertEquals(Identity.NONE, Identity.of(""));
        assertEquals(Identity.BY_DEFAULT, Identity.of("d"));
        assertEquals(ConstraintType.EXCLUSION, ConstraintType.of("x"));
        assertEquals(UserTypeKind.RANGE, UserTypeKind.of("r"));
        assertThrows(IllegalArgumentException.class, () -> TableKind.of("S"));
        assertThrows(IllegalArgumentException.class, () -> ConstraintType.of("n"));
    }

    @Test
    void loadsEveryQueryFromItsResourceFileOnce() {
        for (String name : List.of("server", "tables", "inherits", "columns", "column-compression", "indexes",
                "index-nulls-not-distinct", "constraints", "types", "enum-labels", "domain-constraints",
                "composite-attributes", "sequences", "extensions", "search-path-clear", "search-path-restore")) {
            SqlResource r = SqlResource.of(name);
            assertTrue(r.sql().contains("SELECT"), name);
            assertTrue(r == SqlResource.of(name), name + " is cached");
        }
        assertThrows(IllegalStateException.class, () -> SqlResource.of("no-such-query"));
    }

    private static long nextOid = 16384;

    private static Table table(String schema, String name, ReplicaIdentity identity, PrimaryKey pk, String riIndex) {
        return new Table(nextOid++, schema, name, TableKind.TABLE, false, false, identity,
                Optional.ofNullable(riIndex), List.of(), Optional.ofNullable(pk), List.of(), List.of(),
                Optional.empty(), OptionalLong.empty(), Optional.empty(), List.of(), 0, -1, false, Optional.empty(),
                Optional.empty(), Optional.empty(), true);
    }

    private static Table withParents(Table t, OptionalLong partitionParent, List<Long> inheritanceParents) {
        return new Table(t.oid(), t.schema(), t.name(), t.kind(), t.unlogged(), t.temporary(), t.replicaIdentity(),
                t.replicaIdentityIndex(), t.columns(), t.primaryKey(), t.indexes(), t.constraints(), t.partitionKey(),
                partitionParent, partitionParent.isPresent() ? Optional.of("DEFAULT") : Optional.empty(),
                inheritanceParents, t.sizeBytes(), t.estimatedRows(), t.hasLargeObjectColumns(), t.viewDefinition(),
                t.tablespace(), t.comment(), t.selectable());
    }
}

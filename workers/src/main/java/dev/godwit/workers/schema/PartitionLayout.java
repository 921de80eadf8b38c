package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the kept partitions of a partitioned table go on the target: each under its parent, in an order that
 * creates a parent before its children (the partitions come from the catalog in no such order), and the ones whose
 * parent is not among them, which cannot be created.
 *
 * @param placed  in creation order
 * @param orphans partitions whose parent was not given
 */
record PartitionLayout(List<Placed> placed, List<Table> orphans) {

    /** A partition, its target name and its parent's target name (both quoted and qualified). */
    record Placed(Table partition, String name, String parent) {
    }

    PartitionLayout {
        placed = List.copyOf(placed);
        orphans = List.copyOf(orphans);
    }

    static PartitionLayout none() {
        return new PartitionLayout(List.of(), List.of());
    }

    /**
     * @param schemaOf the target schema of a partition
     */
    static PartitionLayout of(Table root, String rootName, List<Table> partitions, Function<Table, String> schemaOf) {
        Map<Long, String> names = new LinkedHashMap<>();
        names.put(root.oid(), rootName);
        List<Placed> placed = new ArrayList<>();
        List<Table> pending = new ArrayList<>(partitions);
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (Table p : List.copyOf(pending)) {
                String parent = names.get(p.partitionParentOid().orElse(-1));
                if (parent == null) {
                    continue;
                }
                String name = SqlText.qualified(schemaOf.apply(p), p.name());
                placed.add(new Placed(p, name, parent));
                names.put(p.oid(), name);
                pending.remove(p);
                progress = true;
            }
        }
        return new PartitionLayout(placed, pending);
    }
}

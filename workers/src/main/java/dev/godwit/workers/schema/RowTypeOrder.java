package dev.godwit.workers.schema;

import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The target tables in an order where a table whose column is another table's row type (or an array of it) comes
 * after that table, which makes the type: otherwise the order they were given in. A loop cannot exist (a row type
 * cannot contain itself), so every table is placed.
 */
final class RowTypeOrder {
    private RowTypeOrder() {
    }

    static List<TargetTableSpec> of(SourceCatalog catalog, List<TargetTableSpec> specs) {
        Map<Long, TargetTableSpec> byOid = new LinkedHashMap<>();
        specs.forEach(s -> byOid.put(s.source().oid(), s));
        Set<Long> placed = new LinkedHashSet<>();
        for (TargetTableSpec spec : specs) {
            place(catalog, spec, byOid, placed, new LinkedHashSet<>());
        }
        List<TargetTableSpec> out = new ArrayList<>();
        placed.forEach(oid -> out.add(byOid.get(oid)));
        return out;
    }

    private static void place(SourceCatalog catalog, TargetTableSpec spec, Map<Long, TargetTableSpec> byOid,
                              Set<Long> placed, Set<Long> visiting) {
        long oid = spec.source().oid();
        if (placed.contains(oid) || !visiting.add(oid)) {
            return;
        }
        for (Column c : spec.source().columns()) {
            rowTypeOf(catalog, c).map(Table::oid).map(byOid::get)
                    .ifPresent(dependency -> place(catalog, dependency, byOid, placed, visiting));
        }
        placed.add(oid);
    }

    /** The table whose row type the column has: its type is named like the table, {@code _name} for an array. */
    private static Optional<Table> rowTypeOf(SourceCatalog catalog, Column c) {
        String name = c.isArray() && c.typeName().startsWith("_") ? c.typeName().substring(1) : c.typeName();
        return catalog.table(c.typeSchema(), name).filter(t -> c.isArray() || c.typeCategory() == 'c');
    }
}

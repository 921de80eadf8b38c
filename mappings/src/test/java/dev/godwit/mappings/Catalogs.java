package dev.godwit.mappings;

import dev.godwit.mappings.rules.SourceColumn;
import dev.godwit.mappings.rules.SourceTable;
import dev.godwit.mappings.rules.SourceTableKind;

import java.util.ArrayList;
import java.util.List;

/** Small source catalogs for tests: {@code table("public", "t", "id integer!", "name text")}; '!' marks NOT NULL. */
public final class Catalogs {

    private Catalogs() {
    }

    public static SourceTable table(String schema, String name, String... columns) {
        return of(SourceTableKind.TABLE, schema, name, columns);
    }

    public static SourceTable of(SourceTableKind kind, String schema, String name, String... columns) {
        List<SourceColumn> list = new ArrayList<>();
        List<String> key = new ArrayList<>();
        for (String column : columns) {
            String spec = column;
            boolean pk = spec.startsWith("*");
            if (pk) {
                spec = spec.substring(1);
            }
            boolean notNull = spec.endsWith("!") || pk;
            if (spec.endsWith("!")) {
                spec = spec.substring(0, spec.length() - 1);
            }
            int space = spec.indexOf(' ');
            String columnName = spec.substring(0, space);
            list.add(new SourceColumn(columnName, spec.substring(space + 1), notNull));
            if (pk) {
                key.add(columnName);
            }
        }
        return new SourceTable(schema, name, kind, list, key);
    }
}

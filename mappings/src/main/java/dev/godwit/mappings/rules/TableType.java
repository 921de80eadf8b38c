package dev.godwit.mappings.rules;

/**
 * {@code object-locator.table-type}. {@code table} covers plain and partitioned tables; {@code view} covers views
 * and materialized views; only {@code all} also reaches foreign tables, whose rows live on another server.
 */
public enum TableType {
    TABLE("table"), VIEW("view"), ALL("all");

    private final String dmsName;

    TableType(String dmsName) {
        this.dmsName = dmsName;
    }

    public String dmsName() {
        return dmsName;
    }

    public boolean covers(SourceTableKind kind) {
        return switch (this) {
            case TABLE -> kind == SourceTableKind.TABLE || kind == SourceTableKind.PARTITIONED_TABLE;
            case VIEW -> kind == SourceTableKind.VIEW || kind == SourceTableKind.MATERIALIZED_VIEW;
            case ALL -> true;
        };
    }
}

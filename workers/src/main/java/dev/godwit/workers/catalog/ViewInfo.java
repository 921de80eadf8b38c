package dev.godwit.workers.catalog;

import java.util.List;

/**
 * What creating a view or materialized view needs beyond its {@link Table} (name, definition, comment, indexes).
 *
 * @param definition {@code pg_get_viewdef}, not pretty-printed, ending with a semicolon
 * @param options   {@code reloptions}: {@code security_barrier=true}, {@code check_option=local}, …
 * @param relations the other tables and views its query reads: they must exist first
 */
public record ViewInfo(long oid, String definition, List<String> options, List<Long> relations) {
    public ViewInfo {
        options = List.copyOf(options);
        relations = List.copyOf(relations);
    }
}

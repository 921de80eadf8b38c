package dev.godwit.workers.catalog;

import java.util.List;

/**
 * What creating a view or materialized view needs beyond its {@link Table} (name, definition, comment, indexes).
 *
 * @param definition {@code pg_get_viewdef}, not pretty-printed, ending with a semicolon
 * @param options   {@code reloptions}: {@code security_barrier=true}, {@code check_option=local}, …
 * @param relations the other tables and views its query reads: they must exist first
 * @param readsItself whether its query reads the view itself (possible through CREATE OR REPLACE VIEW): it can be
 *                    created only over a stand-in of itself
 * @param populated   false for a materialized view left WITH NO DATA (never refreshed) on the source
 */
public record ViewInfo(long oid, String definition, List<String> options, List<Long> relations,
                       boolean readsItself, boolean populated) {
    public ViewInfo {
        options = List.copyOf(options);
        relations = List.copyOf(relations);
    }
}

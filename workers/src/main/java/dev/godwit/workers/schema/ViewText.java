package dev.godwit.workers.schema;

import java.util.List;

/** The CREATE statements of views from the texts the catalog prints; pure text, no catalog. */
final class ViewText {
    private ViewText() {
    }

    /** {@code pg_get_viewdef} ends the query with a semicolon, which must go before anything follows it. */
    static String query(String viewdef) {
        String q = viewdef.strip();
        return q.endsWith(";") ? q.substring(0, q.length() - 1) : q;
    }

    static String createView(String name, List<String> options, String viewdef) {
        return "CREATE OR REPLACE VIEW " + name + with(options) + " AS\n" + query(viewdef);
    }

    /** Created empty: the data comes with REFRESH MATERIALIZED VIEW once the tables it reads are loaded. */
    static String createMaterializedView(String name, List<String> options, String viewdef) {
        return "CREATE MATERIALIZED VIEW IF NOT EXISTS " + name + with(options) + " AS\n" + query(viewdef)
                + "\n WITH NO DATA";
    }

    private static String with(List<String> options) {
        return options.isEmpty() ? "" : " WITH (" + String.join(", ", options) + ")";
    }
}

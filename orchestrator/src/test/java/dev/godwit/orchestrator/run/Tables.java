package dev.godwit.orchestrator.run;

import dev.godwit.workers.testkit.TestDatabase;

/** Order-free comparisons of table contents between two databases. */
final class Tables {
    private Tables() {
    }

    /** Row count and an order-free hash of every row's text. */
    static String fingerprint(TestDatabase db, String table) {
        return db.value("SELECT count(*) || ':' || coalesce(md5(string_agg(h, '' ORDER BY h)), '-') FROM "
                + "(SELECT md5(t::text) h FROM " + table + " t) x");
    }
}

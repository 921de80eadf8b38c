package dev.godwit.orchestrator.cdc;

import dev.godwit.workers.testkit.TestDatabase;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the WAL says about a change the reverse stream lost, for a test whose source and target databases share one
 * server (so one WAL holds the target's commits and the source's applied transactions, each tagged with the origin
 * LSN it carries): the commit of every target transaction whose rows the source lacks, and the source commits and
 * aborts whose origin positions surround it. Read with pg_walinspect from a database of its own on that server, which
 * also keeps the WAL from being recycled before it is read ({@code wal_keep_size}).
 */
final class WalTrail implements AutoCloseable {
    private static final String ORIGIN_LSN =
            "substring(description from 'origin: node [0-9]+, lsn ([0-9A-F]+/[0-9A-F]+)')::pg_lsn";

    private final TestDatabase wal;
    private String from;

    private WalTrail(TestDatabase wal) {
        this.wal = wal;
    }

    static WalTrail on(TestDatabase wal) {
        wal.execute("CREATE EXTENSION pg_walinspect", "ALTER SYSTEM SET wal_keep_size = '8GB'", "SELECT pg_reload_conf()");
        return new WalTrail(wal);
    }

    /**
     * Records, on {@code target}, which transaction wrote each row version of {@code tables} (a trigger into a table of
     * a schema of its own, which no publication holds), so that a row the source keeps but the target deleted or changed
     * can be traced to the target transaction that the source did not get.
     */
    void audit(TestDatabase target, List<String> tables) {
        target.execute("CREATE SCHEMA audit", "CREATE TABLE audit.changes (xid xid8, tbl text, op text, old_key text,"
                + " new_key text)", "CREATE FUNCTION audit.note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " INSERT INTO audit.changes VALUES (pg_current_xact_id(), TG_TABLE_NAME, TG_OP,"
                + " CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD)->>'id' END,"
                + " CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW)->>'id' END); RETURN NULL; END $$");
        for (String table : tables) {
            target.execute("CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION audit.note()");
        }
    }

    /** The server keeps its WAL as it did before. */
    @Override
    public void close() {
        wal.execute("ALTER SYSTEM RESET wal_keep_size", "SELECT pg_reload_conf()");
    }

    /** Where the reverse stream started: the WAL is read from here. */
    void from(String lsn) {
        this.from = lsn;
    }

    /**
     * The commits of the target transactions that wrote rows the source lacks (or that changed or deleted rows the
     * source still has as they were), and the applied commits and aborts around each.
     */
    String explain(List<String> tables, TestDatabase target, TestDatabase source) {
        StringBuilder out = new StringBuilder("WAL trail from ").append(from).append(" (now ")
                .append(wal.value("SELECT pg_current_wal_lsn()")).append("):\n");
        try {
            wal.execute("DROP TABLE IF EXISTS trail", "CREATE TABLE trail AS SELECT start_lsn, end_lsn, xid,"
                    + " record_type, record_type || ' ' || description AS description, " + ORIGIN_LSN + " AS origin_lsn"
                    + " FROM pg_get_wal_records_info('" + from + "', pg_current_wal_lsn())"
                    + " WHERE resource_manager = 'Transaction'"
                    + " AND (record_type LIKE 'COMMIT%' OR record_type LIKE 'ABORT%')");
            Set<String> xids = new LinkedHashSet<>();
            for (String table : tables) {
                Set<String> onSource = new HashSet<>(source.column("SELECT t::text FROM " + table + " t"));
                Set<String> onTarget = new HashSet<>(target.column("SELECT t::text FROM " + table + " t"));
                for (String row : source.column("SELECT coalesce(to_jsonb(t)->>'id', '-') || ' ' || t::text FROM "
                        + table + " t")) {
                    int space = row.indexOf(' ');
                    if (!onTarget.contains(row.substring(space + 1))) {
                        out.append("  only on the source: ").append(table).append(' ').append(row).append('\n');
                        for (String change : target.column("SELECT xid || ' ' || op || ' ' || coalesce(old_key, '-')"
                                + " || ' ' || coalesce(new_key, '-') FROM audit.changes WHERE tbl = '" + table
                                + "' AND '" + row.substring(0, space) + "' IN (old_key, new_key) ORDER BY xid")) {
                            out.append("    target change: ").append(change).append('\n');
                            xids.add(change.substring(0, change.indexOf(' ')));
                        }
                    }
                }
                for (String row : target.column("SELECT xmin || ' ' || t::text FROM " + table + " t")) {
                    int space = row.indexOf(' ');
                    if (!onSource.contains(row.substring(space + 1))) {
                        xids.add(row.substring(0, space));
                        out.append("  only on the target: ").append(table).append(" xmin ").append(row).append('\n');
                    }
                }
            }
            for (String xid : xids.stream().limit(8).toList()) {
                List<String> commit = wal.column("SELECT start_lsn || ' ' || end_lsn FROM trail WHERE xid = " + xid
                        + " AND record_type LIKE 'COMMIT%'");
                out.append("xid ").append(xid).append(": ").append(wal.column("SELECT start_lsn || '..' || end_lsn"
                        + " || ' ' || description FROM trail WHERE xid = " + xid)).append('\n');
                if (commit.isEmpty()) {
                    continue;
                }
                String end = commit.get(0).split(" ")[1];
                out.append("  applied commits and aborts whose origin LSN is nearest to ").append(end).append(":\n");
                wal.column("SELECT line FROM (SELECT start_lsn, start_lsn || '..' || end_lsn || ' xid ' || xid || ' '"
                        + " || description AS line FROM trail WHERE origin_lsn IS NOT NULL ORDER BY abs(origin_lsn - '"
                        + end + "'::pg_lsn) LIMIT 12) x ORDER BY start_lsn")
                        .forEach(l -> out.append("    ").append(l).append('\n'));
                out.append("  commits without an origin between the nearest origin LSNs below and above it:\n");
                wal.column("SELECT start_lsn || '..' || end_lsn || ' xid ' || xid || ' ' || description FROM trail"
                        + " WHERE origin_lsn IS NULL AND start_lsn >= coalesce((SELECT max(origin_lsn) FROM trail"
                        + " WHERE origin_lsn < '" + end + "'), '0/0') AND start_lsn <= coalesce((SELECT min(origin_lsn)"
                        + " FROM trail WHERE origin_lsn >= '" + end + "'), '" + end + "') ORDER BY start_lsn LIMIT 60")
                        .forEach(l -> out.append("    ").append(l).append('\n'));
            }
            out.append("  every applied commit or abort (an abort moves the origin too):\n");
            wal.column("SELECT start_lsn || ' ' || record_type || ' origin ' || origin_lsn || ' xid ' || xid FROM trail"
                    + " WHERE origin_lsn IS NOT NULL ORDER BY start_lsn")
                    .forEach(l -> out.append("    ").append(l).append('\n'));
        } catch (RuntimeException e) {
            out.append("  (could not read the WAL: ").append(e.getMessage()).append(")\n");
        }
        return out.toString();
    }
}

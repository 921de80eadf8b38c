package dev.godwit.workers.copy;

import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.pg.SnapshotSlot;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class SnapshotCopyIT {

    /** Both forms of the source's COPY: a query (with a range or filter) and a whole table read as a table. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void copiesExactlyWhatTheSlotsSnapshotSawWhileWritesGoOn(boolean wholeTable, PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'before' FROM generate_series(1, 5000) g",
                // an inheritance child's rows are its own table's: neither form reads them with the parent's
                "CREATE TABLE child () INHERITS (t)", "INSERT INTO child SELECT g, 'child' FROM generate_series(1, 50) g");
        target.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        PgConnector connector = new PgConnector("source", source.endpoint(source.server().superuser()));

        try (SnapshotSlot slot = SnapshotSlot.create(connector, "godwit_snaptest", false)) {
            assertTrue(slot.consistentPoint().isValid());
            source.execute("INSERT INTO t SELECT g, 'after' FROM generate_series(5001, 6000) g",
                    "UPDATE t SET v = 'changed' WHERE id <= 10", "DELETE FROM t WHERE id BETWEEN 11 AND 20");
            List<String> columns = List.of("\"id\"", "\"v\"");
            CopyStatements statements = wholeTable
                    ? CopyStatements.wholeTable(columns, "\"public\".\"t\"", "\"public\".\"t\"", columns, true, false)
                    : CopyStatements.of(columns, "\"public\".\"t\"", List.of("\"id\" > 0"), "\"public\".\"t\"", columns,
                    true, false);
            assertEquals(wholeTable, statements.copyOut().startsWith("COPY \"public\".\"t\" (\"id\", \"v\") TO STDOUT"),
                    statements.copyOut());
            try (Connection s = connector.open("copy"); Connection t = target.connect()) {
                CopyWorker.CopyResult result = new CopyWorker().copy(s, t, slot.snapshotName(), statements, null,
                        (c, r) -> { }, bytes -> { });
                assertEquals(5000, result.rows());
                assertEquals(5000, result.sourceRows(), "the source's COPY reports the rows it sent under the snapshot");
            }
        }
        assertEquals(5000, target.count("t"));
        assertEquals("0", target.value("SELECT count(*) FROM t WHERE v <> 'before'"));
        assertEquals("f", source.value("SELECT active FROM pg_replication_slots WHERE slot_name = 'godwit_snaptest'"),
                "the slot outlives the snapshot's connection, ready for CDC");
        source.execute("SELECT pg_drop_replication_slot('godwit_snaptest')");
    }

    @Test
    void bothEndsReportTheirOwnRowCountsAndTheLedgerSeesThemBeforeTheCommit(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE t (id int, v text)", "INSERT INTO t SELECT g, 'x' FROM generate_series(1, 1000) g");
        target.execute("CREATE TABLE t (id int, v text)", "CREATE TABLE ledger (sent bigint, written bigint)",
                "CREATE FUNCTION odd_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.id % 2 = 0 THEN RETURN NULL; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER odd_only BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION odd_only()");
        CopyStatements statements = CopyStatements.of(List.of("\"id\"", "\"v\""), "\"public\".\"t\"",
                List.of("\"id\" <= 900"), "\"public\".\"t\"", List.of("\"id\"", "\"v\""), true, false);
        try (Connection s = source.connect(); Connection t = target.connect()) {
            CopyWorker.CopyResult result = new CopyWorker().copy(s, t, null, statements, null, (c, r) -> {
                try (var ps = c.prepareStatement("INSERT INTO ledger VALUES (?, ?)")) {
                    ps.setLong(1, r.sourceRows());
                    ps.setLong(2, r.rows());
                    ps.executeUpdate();
                }
            }, b -> { });
            assertEquals(900, result.sourceRows());
            assertEquals(450, result.rows(), "the target's trigger kept the even rows out");
        }
        assertEquals("900 450", target.value("SELECT sent || ' ' || written FROM ledger"));
        assertEquals(450, target.count("t"));
    }

    @Test
    void aFailedUnitLeavesNothingOnTheTarget(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(17);
        TestDatabase target = lab.newDatabase(17);
        source.execute("CREATE TABLE t (id int, v text)", "INSERT INTO t SELECT g, 'x' FROM generate_series(1, 1000) g",
                "INSERT INTO t VALUES (5, 'duplicate key')");
        target.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "CREATE TABLE ledger (unit text)");
        CopyStatements statements = CopyStatements.of(List.of("\"id\"", "\"v\""), "\"public\".\"t\"", List.of(),
                "\"public\".\"t\"", List.of("\"id\"", "\"v\""), false, false);
        try (Connection s = source.connect(); Connection t = target.connect()) {
            try {
                new CopyWorker().copy(s, t, null, statements, null, (c, r) -> c.createStatement().execute(
                        "INSERT INTO ledger VALUES ('u1')"), b -> { });
            } catch (java.sql.SQLException expected) {
                assertEquals("23505", expected.getSQLState());
            }
        }
        assertEquals(0, target.count("t"));
        assertEquals(0, target.count("ledger"));
    }

    @Test
    void copiesUserTypesAcrossVersionsInTextFormat(PgLab lab) throws Exception {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        String ddl = "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TYPE pair AS (a int, b text);"
                + "CREATE TABLE t (id int, m mood, ms mood[], p pair, f float8, i interval, ts timestamptz, r numrange, j jsonb)";
        source.execute(ddl, "INSERT INTO t VALUES (1, 'ok', '{sad,happy}', '(1,\"x y\")', 'NaN', '1 year 2 mons -3 days', "
                + "'infinity', '[1.5,2)', '{\"k\": [1, 2.50]}'), (2, NULL, '{}', NULL, '-Infinity', '-00:00:01.5', "
                + "'2026-01-01 12:00:00.123456+05', 'empty', 'null'), (3, 'sad', NULL, '(,)', 1.0000000000000002, '0', "
                + "'-infinity', '(,)', '\"\\u00e9\"')");
        target.execute(ddl);
        List<String> cols = List.of("\"id\"", "\"m\"", "\"ms\"", "\"p\"", "\"f\"", "\"i\"", "\"ts\"", "\"r\"", "\"j\"");
        CopyStatements statements = CopyStatements.of(cols, "\"public\".\"t\"", List.of(), "\"public\".\"t\"", cols, false, false);
        PgConnector connector = new PgConnector("source", source.endpoint(source.server().superuser()));
        try (Connection s = connector.open("copy"); Connection t = target.connect()) {
            new CopyWorker().copy(s, t, null, statements, null, (c, r) -> { }, b -> { });
        }
        String rows = "SELECT string_agg(t::text, '|' ORDER BY id) FROM t";
        assertEquals(source.value(rows), target.value(rows));
    }

}

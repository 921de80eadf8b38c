package dev.godwit.workers.copy;

import dev.godwit.workers.pg.ExportedSnapshot;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy under a snapshot exported before a TRUNCATE or a rewriting ALTER TABLE of its table sees no row of it; the
 * unit is refused instead of committed empty, while ordinary writes after the snapshot leave the copy as it was.
 */
@ExtendWith(PgExtension.class)
class RewriteCheckIT {
    private static final List<String> COLUMNS = List.of("\"id\"", "\"v\"");

    @ParameterizedTest
    @ValueSource(ints = {13, 17})
    void aUnitReadingATableRewrittenAfterTheSnapshotIsRefusedAndLeavesNothingOnTheTarget(int version, PgLab lab)
            throws Exception {
        TestDatabase source = lab.newDatabase(version);
        TestDatabase target = lab.newDatabase(17);
        for (String t : List.of("truncated", "altered", "written")) {
            source.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, v int)",
                    "INSERT INTO " + t + " SELECT g, g FROM generate_series(1, 500) g");
            target.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, v bigint)");
        }
        target.execute("CREATE TABLE ledger (unit text)");
        PgConnector connector = new PgConnector("source", source.endpoint(source.server().superuser()));
        try (ExportedSnapshot snapshot = ExportedSnapshot.export(connector)) {
            source.execute("UPDATE truncated SET v = -v WHERE id <= 10", "TRUNCATE truncated",
                    "INSERT INTO truncated SELECT g, g FROM generate_series(1, 20) g");
            source.execute("ALTER TABLE altered ALTER COLUMN v TYPE bigint");
            source.execute("UPDATE written SET v = -v WHERE id <= 10", "DELETE FROM written WHERE id > 400");

            for (String t : List.of("truncated", "altered")) {
                try (Connection s = connector.open("copy"); Connection tc = target.connect()) {
                    RewriteCheck.RelationRewritten refused = assertThrows(RewriteCheck.RelationRewritten.class,
                            () -> copy(s, tc, snapshot.name(), t));
                    assertEquals("\"public\".\"" + t + "\"", refused.relation());
                    assertTrue(refused.getMessage().contains("was rewritten on the source (TRUNCATE or ALTER TABLE)"
                            + " after the snapshot"), refused.getMessage());
                }
                assertEquals(0, target.count(t), "nothing of " + t + " is committed");
            }
            try (Connection s = connector.open("copy"); Connection tc = target.connect()) {
                assertEquals(500, copy(s, tc, snapshot.name(), "written").rows(), "the rows as the snapshot saw them");
            }
        }
        assertEquals(1, target.count("ledger"), "only the unit of the table left in place was recorded");
        assertEquals("0", target.value("SELECT count(*) FROM written WHERE v < 0"));
    }

    private static CopyWorker.CopyResult copy(Connection s, Connection t, String snapshot, String table)
            throws Exception {
        String relation = "\"public\".\"" + table + "\"";
        CopyStatements statements = CopyStatements.of(COLUMNS, relation, List.of(), relation, COLUMNS, false, false);
        return new CopyWorker().copy(s, t, snapshot, statements, null,
                (c, r) -> c.createStatement().execute("INSERT INTO ledger VALUES ('" + table + "')"), b -> { });
    }
}

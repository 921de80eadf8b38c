package dev.godwit.workers.cdc.apply;

import static dev.godwit.workers.cdc.apply.ApplyFixture.key;
import static dev.godwit.workers.cdc.apply.ApplyFixture.relation;
import static dev.godwit.workers.cdc.apply.ApplyFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.godwit.mappings.task.ErrorPolicy;
import dev.godwit.workers.cdc.apply.ApplyFixture.Feed;
import dev.godwit.workers.cdc.apply.ApplyFixture.TableCheckpoint;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PgExtension.class)
@Timeout(120)
class ApplyErrorPolicyIT {

    private static final Relation ITEMS = relation(1, "public", "items", ReplicaIdentity.DEFAULT, "id*", "doc", "n");

    /** The target rejects a second row with the same doc: a constraint the source does not have. */
    private static TestDatabase target(PgLab lab) {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE items (id int PRIMARY KEY, doc text UNIQUE, n int)",
                "CREATE TABLE skipped (commit_lsn pg_lsn, table_key text, operation text, sqlstate text,"
                        + " error text, change jsonb)");
        return db;
    }

    private static final ApplyExceptionLog LOG = (target, e) -> {
        try (PreparedStatement ps = target.prepareStatement(
                "INSERT INTO skipped VALUES (?::pg_lsn, ?, ?, ?, ?, ?::jsonb)")) {
            ps.setString(1, e.commitLsn().toString());
            ps.setString(2, e.tableKey() + " " + e.rowKey());
            ps.setString(3, e.operation());
            ps.setString(4, e.sqlState());
            ps.setString(5, e.error());
            ps.setString(6, e.change());
            ps.executeUpdate();
        }
    };

    private static Feed feed(TestDatabase db, Connection conn, ApplyOptions options) throws SQLException {
        return new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), new TableCheckpoint(db), options, LOG));
    }

    private static Feed sourceHistory(Feed f) throws SQLException {
        return f.tx(1, ITEMS, new Insert(1, row("1", "a", "1")), new Insert(1, row("2", "a", "2")),
                        new Insert(1, row("3", "b", "3")), new Update(1, Optional.empty(), row("9", "nine", "9")),
                        new Update(1, Optional.empty(), row("3", "b", "33")))
                .tx(2, new Insert(1, row("4", "c", "4")), new Delete(1, key("1", null, null)));
    }

    @Test
    void underLogAndContinueARejectedChangeIsRecordedWithItsTransactionAndSkippedAloneOnceAcrossRestarts(PgLab lab)
            throws SQLException {
        TestDatabase db = target(lab);
        ApplyOptions options = ApplyFixture.grouped().withErrorPolicy(ErrorPolicy.LOG_AND_CONTINUE);
        try (Connection conn = db.connect()) {
            Feed f = sourceHistory(feed(db, conn, options));
            f.applier.commitPending();
            assertEquals(2, f.applier.stats().skippedChanges());
        }
        assertEquals(List.of("3:b:33", "4:c:4"), db.column("SELECT id || ':' || doc || ':' || n FROM items ORDER BY id"));
        assertEquals(List.of(
                        Feed.finalLsn(1) + "|public.items (id='2')|INSERT|23505",
                        Feed.finalLsn(1) + "|public.items (id='9')|UPDATE|P0002"),
                db.column("SELECT concat_ws('|', commit_lsn, table_key, operation, sqlstate) FROM skipped"
                        + " ORDER BY table_key"));
        String error = db.value("SELECT error FROM skipped WHERE operation = 'INSERT'");
        assertTrue(error.contains("items_doc_key") && error.contains(Feed.finalLsn(1).toString()), error);
        assertEquals("{\"n\": \"2\", \"id\": \"2\", \"doc\": \"a\"}",
                db.value("SELECT change -> 'new' FROM skipped WHERE operation = 'INSERT'"));
        assertEquals(Optional.of(Feed.endLsn(2)), new TableCheckpoint(db).stored());

        // the stream resends both transactions after a restart: they are skipped, and nothing is recorded again
        try (Connection conn = db.connect()) {
            Feed f = sourceHistory(feed(db, conn, options));
            f.applier.commitPending();
            assertEquals(2, f.applier.stats().skippedTransactions());
        }
        assertEquals(2, db.count("skipped"));
    }

    @Test
    void aCrashBeforeTheCommitTakesTheRecordsWithItSoTheRetryRecordsEachChangeOnce(PgLab lab) throws SQLException {
        TestDatabase db = target(lab);
        ApplyOptions options = ApplyFixture.grouped().withErrorPolicy(ErrorPolicy.LOG_AND_CONTINUE);
        try (Connection conn = db.connect()) {
            sourceHistory(feed(db, conn, options)); // the group is open: never committed
        }
        assertEquals(0, db.count("skipped"));
        assertEquals(0, db.count("items"));
        try (Connection conn = db.connect()) {
            sourceHistory(feed(db, conn, options)).applier.commitPending();
        }
        assertEquals(2, db.count("skipped"));
        assertEquals(2, db.count("items"));
    }

    @Test
    void underTheDefaultStopPolicyTheSameChangeStopsTheApplierAndNothingIsRecorded(PgLab lab) throws SQLException {
        TestDatabase db = target(lab);
        try (Connection conn = db.connect()) {
            Feed f = feed(db, conn, ApplyFixture.perTransaction());
            ApplyConflictException e = assertThrows(ApplyConflictException.class, () -> sourceHistory(f));
            // the three inserts ran as one statement: the message names their keys, the server's detail the row
            assertTrue(e.getMessage().contains("(id='1') to (id='3')") && e.getMessage().contains("Key (doc)=(a)")
                    && e.getMessage().contains(Feed.finalLsn(1).toString()), e.getMessage());
        }
        assertEquals(0, db.count("skipped"));
        assertEquals(0, db.count("items"));
        assertEquals(Optional.empty(), new TableCheckpoint(db).stored());
    }
}

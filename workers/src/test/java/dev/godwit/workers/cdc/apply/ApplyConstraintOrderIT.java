package dev.godwit.workers.cdc.apply;

import static dev.godwit.workers.cdc.apply.ApplyFixture.key;
import static dev.godwit.workers.cdc.apply.ApplyFixture.relation;
import static dev.godwit.workers.cdc.apply.ApplyFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godwit.mappings.task.ErrorPolicy;
import dev.godwit.workers.cdc.apply.ApplyFixture.Feed;
import dev.godwit.workers.cdc.apply.ApplyFixture.TableCheckpoint;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Delete;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batched apply must never let the target's constraints see the changes of one table in another order, or merged, in
 * a way the source's own order would not have allowed. PostgreSQL checks unique indexes and exclusion constraints as
 * each row changes, so one UPDATE statement over several rows can fail where the same UPDATEs one by one succeed.
 * Every shape here is valid on the source; each is applied grouped and pipelined (all shapes in one target
 * transaction, so runs of one table span source transactions), one at a time, and under log-and-continue, and must
 * end with the same rows and nothing skipped.
 */
@ExtendWith(PgExtension.class)
@Timeout(120)
class ApplyConstraintOrderIT {

    private static final String SCHEMA = """
            CREATE TABLE codes (id int PRIMARY KEY, code text NOT NULL UNIQUE);
            CREATE TABLE booking (id int PRIMARY KEY, during int4range NOT NULL, EXCLUDE USING gist (during WITH &&));
            CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL);
            CREATE UNIQUE INDEX people_lower_name ON people (lower(name));
            CREATE TABLE logins (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL);
            CREATE UNIQUE INDEX logins_active_email ON logins (email) WHERE active;
            CREATE TABLE regional (id int, region int, code text, PRIMARY KEY (id, region), UNIQUE (region, code))
                PARTITION BY LIST (region);
            CREATE TABLE regional_1 PARTITION OF regional FOR VALUES IN (1);
            CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree, label text);
            CREATE TABLE skipped (commit_lsn pg_lsn, table_key text, operation text, error text);
            INSERT INTO codes SELECT g, 'code' || g FROM generate_series(1, 6) g;
            INSERT INTO booking VALUES (1, '[1,5)'), (2, '[5,10)');
            INSERT INTO people VALUES (1, 'Alice'), (2, 'Bob');
            INSERT INTO logins VALUES (1, 'a@x', true), (2, 'a@x', false);
            INSERT INTO regional VALUES (1, 1, 'r1'), (2, 1, 'r2');
            INSERT INTO tree VALUES (1, NULL, 'root');
            """;
    private static final List<String> TABLES = List.of("codes", "booking", "people", "logins", "regional", "tree");

    private static final Relation CODES = relation(1, "public", "codes", ReplicaIdentity.DEFAULT, "id*", "code");
    private static final Relation BOOKING = relation(2, "public", "booking", ReplicaIdentity.DEFAULT, "id*", "during");
    private static final Relation PEOPLE = relation(3, "public", "people", ReplicaIdentity.DEFAULT, "id*", "name");
    private static final Relation LOGINS = relation(4, "public", "logins", ReplicaIdentity.DEFAULT,
            "id*", "email", "active");
    private static final Relation REGIONAL = relation(5, "public", "regional", ReplicaIdentity.DEFAULT,
            "id*", "region*", "code");
    private static final Relation TREE = relation(6, "public", "tree", ReplicaIdentity.DEFAULT, "id*", "parent", "label");

    private static Update codes(int id, String code) {
        return new Update(1, Optional.empty(), row(String.valueOf(id), code));
    }

    /** Each entry is one source transaction; all are valid in this order against {@link #SCHEMA}'s rows. */
    private static List<List<PgOutputMessage>> history() {
        List<List<PgOutputMessage>> txs = new ArrayList<>();
        // a swap of two unique values through a third, in one transaction (the reported case)
        txs.add(List.of(CODES, BOOKING, PEOPLE, LOGINS, REGIONAL, TREE,
                codes(1, "tmp"), codes(2, "code1"), codes(1, "code2")));
        // the same swap spread over three source transactions of one group
        txs.add(List.of(codes(1, "tmp")));
        txs.add(List.of(codes(2, "code2")));
        txs.add(List.of(codes(1, "code1")));
        // a unique value deleted under one key and inserted under another
        txs.add(List.of(new Delete(1, key("3", null)), new Insert(1, row("7", "code3"))));
        // a unique value moving to another row after its holder let it go
        txs.add(List.of(codes(4, "moved"), codes(5, "code4")));
        // a chain: each row takes the value its neighbour just gave up
        txs.add(List.of(codes(6, "fresh"), codes(5, "code6"), codes(7, "code5")));
        // a cycle of three values rotated through a temporary one
        txs.add(List.of(codes(1, "tmp"), codes(2, "code1"), codes(7, "code2"), codes(1, "code5")));
        // an exclusion constraint: a range freed by one row and taken by the other
        txs.add(List.of(new Update(2, Optional.empty(), row("1", "[20,25)")),
                new Update(2, Optional.empty(), row("2", "[1,10)"))));
        // a unique expression index
        txs.add(List.of(new Update(3, Optional.empty(), row("1", "Carol")),
                new Update(3, Optional.empty(), row("2", "ALICE"))));
        // a partial unique index: the active login moves to the other row
        txs.add(List.of(new Update(4, Optional.empty(), row("1", "a@x", "f")),
                new Update(4, Optional.empty(), row("2", "a@x", "t"))));
        // a unique constraint of a partitioned table, checked in its partition
        txs.add(List.of(new Update(5, Optional.empty(), row("1", "1", "tmp")),
                new Update(5, Optional.empty(), row("2", "1", "r1")),
                new Update(5, Optional.empty(), row("1", "1", "r2"))));
        // a self-referencing foreign key: parent before child, child gone before parent
        txs.add(List.of(new Insert(6, row("2", "1", "a")), new Insert(6, row("3", "2", "b")),
                new Update(6, Optional.empty(), row("3", "1", "b moved")), new Delete(6, key("2", null, null)),
                new Insert(6, row("4", "3", "c"))));
        txs.add(List.of(new Delete(6, key("4", null, null)), new Delete(6, key("3", null, null))));
        return txs;
    }

    private static final ApplyExceptionLog SKIPPED = (target, e) -> {
        try (var ps = target.prepareStatement("INSERT INTO skipped VALUES (?::pg_lsn, ?, ?, ?)")) {
            ps.setString(1, e.commitLsn().toString());
            ps.setString(2, e.tableKey() + " " + e.rowKey());
            ps.setString(3, e.operation());
            ps.setString(4, e.error());
            ps.executeUpdate();
        }
    };

    private static TestDatabase applied(PgLab lab, ApplyOptions options) throws SQLException {
        TestDatabase db = lab.newDatabase(17);
        db.execute(SCHEMA);
        try (Connection conn = db.connect()) {
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(db), new TableCheckpoint(db),
                    options, SKIPPED));
            List<List<PgOutputMessage>> txs = history();
            for (int n = 1; n <= txs.size(); n++) {
                f.tx(n, txs.get(n - 1).toArray(PgOutputMessage[]::new));
            }
            f.applier.commitPending();
        }
        return db;
    }

    @Test
    void swapsChainsCyclesAndMovedValuesUnderUniqueAndExclusionConstraintsApplyInEveryMode(PgLab lab)
            throws SQLException {
        TestDatabase oneByOne = applied(lab, ApplyFixture.perTransaction().withBatchSize(1));
        TestDatabase pipelined = applied(lab, ApplyFixture.grouped());
        TestDatabase logAndContinue = applied(lab, ApplyFixture.grouped().withErrorPolicy(ErrorPolicy.LOG_AND_CONTINUE));
        assertEquals(List.of("1:code5", "2:code1", "4:moved", "5:code6", "6:fresh", "7:code2"),
                oneByOne.column("SELECT id || ':' || code FROM codes ORDER BY id"));
        for (TestDatabase db : List.of(pipelined, logAndContinue)) {
            for (String table : TABLES) {
                assertEquals(oneByOne.fingerprint(table), db.fingerprint(table), table + " in " + db);
            }
            assertEquals(0, db.count("skipped"), "no change was skipped in " + db);
        }
        assertEquals(List.of("1:[20,25)", "2:[1,10)"),
                pipelined.column("SELECT id || ':' || during FROM booking ORDER BY id"));
        assertEquals(List.of("1::root"), pipelined.column(
                "SELECT id || ':' || coalesce(parent::text, '') || ':' || label FROM tree ORDER BY id"));
    }
}

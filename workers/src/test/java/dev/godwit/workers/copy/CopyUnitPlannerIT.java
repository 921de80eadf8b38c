package dev.godwit.workers.copy;

import dev.godwit.mappings.rules.ParallelLoad;
import dev.godwit.workers.catalog.CatalogReader;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class CopyUnitPlannerIT {
    private static final long SMALL_THRESHOLD = 256 * 1024;

    @Test
    void splitsABigTableIntoBlockRangesOnPostgres14AndLaterCoveringEveryRowOnce(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE t (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), pad text)",
                "INSERT INTO t (pad) SELECT repeat('x', 200) FROM generate_series(1, 20000)", "ANALYZE t");
        CopyUnitPlanner.Split split = split(db, 17, "t", new ParallelLoad.None());

        assertTrue(split.units().size() > 4, () -> "expected several units: " + split.units());
        assertTrue(split.units().stream().allMatch(u -> u.kind() == CopyUnit.Kind.CTID_RANGE));
        assertCoversEveryRowExactlyOnce(db, "t", split.units());
    }

    @Test
    void theLastBlockRangeIsOpenEndedSoRowsAddedAfterPlanningAreCopied(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE t (id bigint, pad text)",
                "INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 10000) g", "ANALYZE t");
        CopyUnitPlanner.Split split = split(db, 17, "t", new ParallelLoad.None());
        db.execute("INSERT INTO t SELECT g, repeat('y', 200) FROM generate_series(10001, 30000) g");

        assertCoversEveryRowExactlyOnce(db, "t", split.units());
    }

    @Test
    void splitsByIntegerKeyRangesOnPostgres13(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(13);
        db.execute("CREATE TABLE t (id bigint PRIMARY KEY, pad text)",
                "INSERT INTO t SELECT g * 7, repeat('x', 200) FROM generate_series(-5000, 15000) g", "ANALYZE t");
        CopyUnitPlanner.Split split = split(db, 13, "t", new ParallelLoad.None());

        assertTrue(split.units().size() > 4, () -> "expected several units: " + split.units());
        assertTrue(split.units().stream().allMatch(u -> u.kind() == CopyUnit.Kind.KEY_RANGE));
        db.execute("INSERT INTO t SELECT g * 7, 'late' FROM generate_series(15001, 16000) g");
        assertCoversEveryRowExactlyOnce(db, "t", split.units());
    }

    @Test
    void keepsABigTableWholeOnPostgres13WhenNoKeyCanSplitItAndSaysWhy(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(13);
        db.execute("CREATE TABLE t (code text PRIMARY KEY, pad text)",
                "INSERT INTO t SELECT 'k' || g, repeat('x', 200) FROM generate_series(1, 10000) g", "ANALYZE t");
        CopyUnitPlanner.Split split = split(db, 13, "t", new ParallelLoad.None());

        assertEquals(1, split.units().size());
        assertEquals(CopyUnit.Kind.WHOLE, split.units().get(0).kind());
        assertTrue(split.note().orElseThrow().contains("parallel-load"), split.note()::get);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void dmsRangesAddAUnitForNullKeysThatDmsWouldDrop(int major, PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(major);
        db.execute("CREATE TABLE t (region int, pad text)",
                "INSERT INTO t SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE g % 50 END, 'x' FROM generate_series(1, 1000) g");
        CopyUnitPlanner.Split split = split(db, major, "t",
                new ParallelLoad.Ranges(List.of("region"), List.of(List.of("10"), List.of("30"))));

        assertEquals(4, split.units().size(), split.units()::toString);
        assertCoversEveryRowExactlyOnce(db, "t", split.units());
        assertEquals("100", db.value("SELECT count(*) FROM t WHERE " + split.units().get(3).rangePredicate().orElseThrow()));
    }

    @Test
    void keepsATableBelowTheThresholdWhole(PgLab lab) throws Exception {
        TestDatabase db = lab.newDatabase(17);
        db.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 100)");
        CopyUnitPlanner.Split split = split(db, 17, "t", new ParallelLoad.None());
        assertEquals(List.of(new CopyUnit("public.t", "public", "t", CopyUnit.Kind.WHOLE, java.util.Optional.empty(),
                split.units().get(0).estimatedBytes())), split.units());
    }

    private static CopyUnitPlanner.Split split(TestDatabase db, int major, String table, ParallelLoad parallelLoad) throws Exception {
        try (Connection c = db.connect()) {
            SourceCatalog catalog = new CatalogReader(c).read();
            Table t = catalog.table("public", table).orElseThrow();
            return new CopyUnitPlanner(c, major, SMALL_THRESHOLD, 1).split(t, parallelLoad);
        }
    }

    /** The units' predicates are disjoint and together select every row. */
    private static void assertCoversEveryRowExactlyOnce(TestDatabase db, String table, List<CopyUnit> units) {
        long total = db.count(table);
        long sum = 0;
        for (CopyUnit u : units) {
            sum += Long.parseLong(db.value("SELECT count(*) FROM ONLY " + table
                    + u.rangePredicate().map(p -> " WHERE " + p).orElse("")));
        }
        assertEquals(total, sum, () -> "units " + units);
        String union = units.stream().map(u -> "coalesce((" + u.rangePredicate().orElse("true") + ")::int, 0)")
                .reduce((a, b) -> a + " + " + b).orElseThrow();
        assertEquals("0", db.value("SELECT count(*) FROM " + table + " WHERE " + union + " <> 1"),
                "every row is in exactly one unit");
    }
}

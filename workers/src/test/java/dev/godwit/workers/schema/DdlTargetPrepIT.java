package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.task.TargetTablePrepMode;
import dev.godwit.workers.catalog.CatalogReader;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class DdlTargetPrepIT {

    private static final String SOURCE_DDL = "CREATE SCHEMA app;"
            + " CREATE TABLE app.a (id integer PRIMARY KEY, name text NOT NULL, at timestamptz);"
            + " CREATE INDEX a_name_idx ON app.a (name);"
            + " CREATE TABLE app.b (id bigint PRIMARY KEY, a_id integer REFERENCES app.a, note varchar(10))";

    private static SourceCatalog read(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return new CatalogReader(c).read();
        }
    }

    private static List<TargetTableSpec> specs(SourceCatalog catalog) {
        return TestMappings.identitySpecs(catalog, new PartitionRule.Keep());
    }

    private static void run(TestDatabase db, SchemaScript script) throws SQLException {
        try (Connection c = db.connect()) {
            ScriptRunner.run(c, script.preData());
            ScriptRunner.run(c, script.postDataInOrder());
        }
    }

    @Test
    void doNothingCreatesNothingAndReportsEveryMismatchAtOnce(PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(17);
        source.execute(SOURCE_DDL);
        TestDatabase target = lab.newDatabase(17);
        target.execute("CREATE SCHEMA app; CREATE TABLE app.a (id integer, name integer, extra text NOT NULL)");
        SourceCatalog catalog = read(source);

        TargetPrep.Result result;
        try (Connection c = target.connect()) {
            result = TargetPrep.prepare(c, TargetTablePrepMode.DO_NOTHING, catalog, specs(catalog),
                    DdlWriter.Options.defaults());
        }

        assertTrue(result.script().preData().isEmpty());
        assertEquals(4, result.mismatches().size(), result.mismatches().toString());
        assertTrue(result.mismatches().stream().anyMatch(m -> m.startsWith("app.a.name: type integer")));
        assertTrue(result.mismatches().stream().anyMatch(m -> m.startsWith("app.a.at: column missing")));
        assertTrue(result.mismatches().stream().anyMatch(m -> m.startsWith("app.a.extra: NOT NULL")));
        assertTrue(result.mismatches().stream().anyMatch(m -> m.startsWith("app.b: table missing")));
    }

    @Test
    void dropAndCreateReplacesAWrongTableAndTruncateKeepsItEmptied(PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(13);
        source.execute(SOURCE_DDL);
        TestDatabase target = lab.newDatabase(17);
        target.execute("CREATE SCHEMA app; CREATE TABLE app.a (id integer, wrong text); INSERT INTO app.a VALUES (1, 'x')");
        SourceCatalog catalog = read(source);

        TargetPrep.Result truncate;
        try (Connection c = target.connect()) {
            truncate = TargetPrep.prepare(c, TargetTablePrepMode.TRUNCATE_BEFORE_LOAD, catalog, specs(catalog),
                    DdlWriter.Options.defaults());
        }
        run(target, truncate.script());
        assertEquals(0, target.count("app.a"));
        assertEquals(List.of("id", "wrong"), target.column("SELECT attname FROM pg_attribute"
                + " WHERE attrelid = 'app.a'::regclass AND attnum > 0 ORDER BY attnum"));
        assertEquals(0, target.count("app.b"));

        TargetPrep.Result drop;
        try (Connection c = target.connect()) {
            drop = TargetPrep.prepare(c, TargetTablePrepMode.DROP_AND_CREATE, catalog, specs(catalog),
                    DdlWriter.Options.defaults());
        }
        run(target, drop.script());
        try (Connection c = target.connect()) {
            assertEquals(List.of(), SchemaVerifier.verify(c, catalog, specs(catalog), DdlWriter.Options.defaults()));
        }
    }

    @Test
    void theVerifierNamesAMissingIndexAndAChangedColumn(PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(17);
        source.execute(SOURCE_DDL);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = read(source);
        run(target, DdlWriter.write(catalog, specs(catalog), DdlWriter.Options.defaults()));
        target.execute("DROP INDEX app.a_name_idx", "ALTER TABLE app.b ALTER COLUMN note TYPE varchar(20)");

        List<String> differences;
        try (Connection c = target.connect()) {
            differences = SchemaVerifier.verify(c, catalog, specs(catalog), DdlWriter.Options.defaults());
        }
        assertEquals(2, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("app.a: 1 indexes, expected 2"), differences.toString());
        assertTrue(differences.get(1).startsWith("app.b.note: type character varying(20)"), differences.toString());
    }
}

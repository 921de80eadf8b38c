package dev.godwit.orchestrator.corpus;

import dev.godwit.orchestrator.cdc.Godwit;
import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.orchestrator.run.FullLoadFixtures;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whole applications from the shared corpus (issue 15's proof, a CI-sized subset; {@code scripts/corpus.sh} runs all
 * of it): a schema loaded with its own load.sh, a full-load-and-cdc task, the application's workload on the source
 * while changes stream ({@code corpus/workload/NAME.sql}: inserts through identity columns and defaults, updates that
 * fire its triggers, deletes that cascade), then {@code cutover --fence}. Afterwards the target must be a drop-in
 * replacement: (a) the same objects ({@link CatalogFingerprint}), (b) every table equal ({@code validate --content}),
 * (c) the application's own statements ({@code corpus/smoke/NAME.sql}: inserts through defaults that return the
 * generated key, its views and functions, a trigger's writes) print the same on both sides.
 * Skipped, with the reason, where the corpus or psql is absent.
 */
@ExtendWith(PgExtension.class)
class CorpusMigrationIT {
    /** The corpus' schemas (its README), each with a workload and a smoke script in {@code corpus/}. */
    static final List<String> SCHEMAS = List.of("apache-ranger", "baw-server", "chinook", "danbooru", "graphile-starter",
            "inaturalist", "northwind", "postgrest-fixtures");
    /** Those that need PostgreSQL 14 or newer (tsmultirange, an aggregate over anycompatible: the corpus README). */
    static final Set<String> NEEDS_14 = Set.of("baw-server", "inaturalist");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void graphileStarterFrom13To17(PgLab lab) throws Exception {
        migrate(lab, "graphile-starter", 13);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void chinookFrom13To17(PgLab lab) throws Exception {
        migrate(lab, "chinook", 13);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void apacheRangerFrom17To17(PgLab lab) throws Exception {
        migrate(lab, "apache-ranger", 17);
    }

    /**
     * Every schema of the corpus, from 13 where it loads there and from 17, with {@code -Dgodwit.corpus=all} (about 10
     * minutes, too long for every build; {@code scripts/corpus.sh} runs the corpus on the lab's 15 → 15).
     */
    @ParameterizedTest(name = "{0} from {1} to 17")
    @MethodSource("wholeCorpus")
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everySchemaWithGodwitCorpusAll(String name, int sourceMajor, PgLab lab) throws Exception {
        assumeTrue("all".equals(System.getProperty("godwit.corpus")),
                "the whole corpus runs with -Dgodwit.corpus=all");
        migrate(lab, name, sourceMajor);
    }

    static Stream<Arguments> wholeCorpus() {
        return SCHEMAS.stream().flatMap(name -> NEEDS_14.contains(name) ? Stream.of(Arguments.of(name, 17))
                : Stream.of(Arguments.of(name, 13), Arguments.of(name, 17)));
    }

    private void migrate(PgLab lab, String name, int sourceMajor) throws Exception {
        Corpus.assumeAvailable(name);
        TestDatabase source = lab.newDatabase(sourceMajor);
        TestDatabase target = lab.newDatabase(17);
        Corpus.load(name, source);
        ClusterRoles.copy(source, target);
        Path task = FullLoadFixtures.taskFile(dir, "corpus", "full-load-and-cdc", source, target,
                FullLoadFixtures.ALL_TABLES, "parallelism: 2\nvalidation:\n  enabled: false\n");
        CliRun preflight = CliRun.of("preflight", task.toString(), "--fix");
        assertEquals(ExitCodes.OK, preflight.exitCode(), preflight::toString);

        Process godwit = Godwit.start(dir, "start", task.toString());
        try {
            Godwit.awaitLog(dir, Pattern.compile("cdc: streaming slot"), Duration.ofSeconds(150));
            Corpus.Result workload = Corpus.workload(name, source);
            assertFalse(workload.hasErrors(), () -> "the workload failed on the source:\n" + workload.output());
            CliRun cutover = CliRun.of("cutover", task.toString(), "--fence");
            assertEquals(ExitCodes.OK, cutover.exitCode(), () -> cutover + "\n" + Godwit.log(dir));
            assertTrue(godwit.waitFor(60, TimeUnit.SECONDS), "godwit ends with the cutover");
        } finally {
            godwit.destroyForcibly();
        }

        String objects = CatalogFingerprint.of(source).differencesFrom(CatalogFingerprint.of(target));
        CliRun validate = CliRun.of("validate", task.toString(), "--content");
        Corpus.Result sourceSmoke = Corpus.smoke(name, source);
        Corpus.Result targetSmoke = Corpus.smoke(name, target);
        assertAll(name + " after the cutover",
                () -> assertEquals("", objects, "(a) the objects differ"),
                () -> assertEquals(ExitCodes.OK, validate.exitCode(), () -> "(b) validate --content:\n" + validate),
                () -> assertFalse(sourceSmoke.hasErrors(), () -> "the smoke script fails on the source itself:\n"
                        + sourceSmoke.output()),
                () -> assertEquals("", differences(sourceSmoke, targetSmoke), "(c) the smoke script's output differs"));
    }

    /**
     * The lines at which the two outputs differ (at most 40), by line number; psql echoed each statement before its
     * output, so the lines above a difference name the statement.
     */
    private static String differences(Corpus.Result source, Corpus.Result target) {
        List<String> s = source.output().lines().toList();
        List<String> t = target.output().lines().toList();
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.max(s.size(), t.size()) && shown < 40; i++) {
            String a = i < s.size() ? s.get(i) : "(end)";
            String b = i < t.size() ? t.get(i) : "(end)";
            if (!a.equals(b)) {
                out.append("line ").append(i + 1).append("\n  source: ").append(a).append("\n  target: ").append(b)
                        .append('\n');
                shown++;
            }
        }
        return out.toString();
    }
}

package dev.godwit.mappings.task;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.partition.TableName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskLoaderTest {

    @TempDir
    Path dir;

    private static final String MAPPINGS = """
            tableMappings:
              rules:
                - {rule-type: selection, rule-id: 1, rule-name: all, object-locator: {schema-name: public, table-name: '%'}, rule-action: include}
            """;

    private Task load(String yaml) throws Exception {
        Path file = dir.resolve("task.yaml");
        Files.writeString(file, yaml);
        return new TaskLoader().load(file);
    }

    private List<TaskProblem> problems(String yaml) throws Exception {
        return assertThrows(TaskFileException.class, () -> load(yaml)).problems();
    }

    private static String task(String extra) {
        return """
                name: shop
                source:
                  url: postgresql://app@10.0.0.5:5432/shop?sslmode=verify-full
                  password: ${env:SRC_PASSWORD}
                target:
                  url: postgres://admin@10.0.0.9/shop
                type: full-load-and-cdc
                """ + MAPPINGS + extra;
    }

    @Test
    void aMinimalTaskFileGetsEveryDefault() throws Exception {
        Task task = load(task(""));
        assertEquals("shop", task.name());
        assertEquals(MigrationType.FULL_LOAD_AND_CDC, task.type());
        assertEquals(new Endpoint("10.0.0.5", 5432, "shop", "app", Map.of("sslmode", "verify-full"),
                new PasswordSource.FromEnvironment("SRC_PASSWORD")), task.source());
        assertEquals(5432, task.target().port());
        assertEquals(new PasswordSource.None(), task.target().password());
        Settings s = task.settings();
        assertEquals(0, s.parallelism());
        assertEquals("godwit", s.controlSchema());
        assertEquals(TargetTablePrepMode.DROP_AND_CREATE, s.targetTablePrepMode());
        assertEquals(8L << 30, s.splitThresholdBytes());
        assertFalse(s.allowLossyTypeChanges());
        assertEquals("godwit_shop", s.slotName());
        assertEquals("godwit_shop", s.publicationName());
        assertEquals(CdcSettings.defaults(), s.cdc());
        assertEquals(ErrorPolicy.STOP, s.errorPolicy());
        assertEquals(ApplyConflicts.strict(), s.applyConflicts());
        assertEquals(ValidationSettings.defaults(), s.validation());
        assertEquals(new PartitionRule.Keep(), s.partitions().defaultRule());
        assertTrue(s.failOnNoTablesCaptured());
        assertEquals(new AccessSettings(AccessSettings.Privileges.KEEP, AccessSettings.Ownership.TASK_USER), s.access());
    }

    @Test
    void everyGodwitSettingIsRead() throws Exception {
        Task task = load(task("""
                settings:
                  parallelism: 6
                  controlSchema: ctl
                  targetTablePrepMode: truncate-before-load
                  splitThreshold: 512MB
                  allowLossyTypeChanges: true
                  slotName: my_slot
                  publicationName: my_pub
                  cdc: {heartbeatInterval: 500ms, allowAdditiveDdl: true, stopAt: '2026-12-24T18:00:00Z', applyParallelism: 4}
                  errorPolicy: log-and-continue
                  applyConflicts: {insertExisting: update, updateMissing: insert, deleteMissing: ignore}
                  validation: {enabled: false, contentHash: true, threadCount: 3, partitionSize: 500, failureMaxCount: 7}
                  targetSchema: landing
                  failOnNoTablesCaptured: false
                  privileges: none
                  ownership: keep
                  partitions:
                    default: merge
                    tables:
                      "sales.orders": keep
                      "public.events": { mode: repartition, strategy: range, column: created_at, interval: 1 month }
                      "public.users":  { mode: repartition, strategy: hash, column: id, partitions: 8 }
                      "public.regions": { mode: repartition, strategy: list, column: region, values: [[eu, uk], [us, no]] }
                """));
        Settings s = task.settings();
        assertEquals(6, s.parallelism());
        assertEquals("ctl", s.controlSchema());
        assertEquals(TargetTablePrepMode.TRUNCATE_BEFORE_LOAD, s.targetTablePrepMode());
        assertEquals(512L << 20, s.splitThresholdBytes());
        assertTrue(s.allowLossyTypeChanges());
        assertEquals("my_slot", s.slotName());
        assertEquals("my_pub", s.publicationName());
        assertEquals(new CdcSettings(Optional.empty(), Duration.ofMillis(500), DdlPolicy.defaults(),
                Optional.of(new StopAt.Time(java.time.Instant.parse("2026-12-24T18:00:00Z"))), 4), s.cdc());
        assertEquals(ErrorPolicy.LOG_AND_CONTINUE, s.errorPolicy());
        assertEquals(new ApplyConflicts(true, true, true), s.applyConflicts());
        assertEquals(new ValidationSettings(false, true, 3, 500, 7), s.validation());
        assertEquals(Optional.of("landing"), s.targetSchema());
        assertFalse(s.failOnNoTablesCaptured());
        assertEquals(new AccessSettings(AccessSettings.Privileges.NONE, AccessSettings.Ownership.KEEP), s.access());
        assertEquals(new PartitionRule.Merge(), s.partitions().defaultRule());
        assertEquals(Map.of(
                new TableName("sales", "orders"), new PartitionRule.Keep(),
                new TableName("public", "events"), new PartitionRule.Repartition(new PartitionRule.Range("created_at", "1 month")),
                new TableName("public", "users"), new PartitionRule.Repartition(new PartitionRule.Hash("id", 8)),
                new TableName("public", "regions"), new PartitionRule.Repartition(new PartitionRule.ListBy("region",
                        List.of(List.of("eu", "uk"), List.of("us", "no"))))), s.partitions().tables());
    }

    @Test
    void cdcStartPositionIsForCdcTasksAndAcceptsADmsCheckpoint() throws Exception {
        Task task = load(task("settings: {cdc: {startPosition: 'checkpoint:V1#1#000004AF/B00000D0#0#0#*#0#0'}}")
                .replace("type: full-load-and-cdc", "type: cdc"));
        assertEquals(Optional.of("4AF/B00000D0"), task.settings().cdc().startPosition());
        List<TaskProblem> problems = problems(task("settings: {cdc: {startPosition: 0/16B3748}}"));
        assertEquals("settings.cdc.startPosition", problems.get(0).location());
        assertEquals("a start position applies only to type cdc (streaming from an existing slot); this task's type"
                + " is full-load-and-cdc", problems.get(0).message());
    }

    @Test
    void cdcDdlSaysWhatEachKindOfChangeDoes() throws Exception {
        assertEquals(new DdlPolicy(DdlPolicy.Action.STOP, DdlPolicy.Action.IGNORE, DdlPolicy.Action.APPLY,
                        DdlPolicy.Action.STOP, DdlPolicy.Action.IGNORE, DdlPolicy.Action.IGNORE),
                load(task("settings: {cdc: {allowAdditiveDdl: false, ddl: {dropColumn: ignore, alterColumnType: Apply,"
                        + " renameColumn: stop, createTable: ignore, indexes: ignore}}}")).settings().cdc().ddl());
        assertEquals(DdlPolicy.Action.APPLY, load(task("settings: {cdc: {ddl: {dropColumn: apply}}}")).settings().cdc()
                .ddl().renameColumn(), "a rename is followed by default");
        List<TaskProblem> problems = problems(task("settings: {cdc: {ddl: {alterColumnType: ignore}}}"));
        assertEquals("settings.cdc.ddl.alterColumnType", problems.get(0).location());
        assertTrue(problems.get(0).message().contains("expected apply or stop"), problems.get(0).message());
        problems = problems(task("settings: {cdc: {ddl: {renameColumn: ignore}}}"));
        assertEquals("settings.cdc.ddl.renameColumn", problems.get(0).location());
        assertTrue(problems.get(0).message().contains("expected apply or stop"), problems.get(0).message());
        assertEquals("found 'stop'; expected apply or ignore",
                problems(task("settings: {cdc: {ddl: {indexes: stop}}}")).get(0).message());
    }

    @Test
    void metricsArePortAndIntervalAndOffByDefault() throws Exception {
        assertEquals(MetricsSettings.defaults(), load(task("settings: {parallelism: 2}")).settings().metrics());
        assertEquals(new MetricsSettings(java.util.OptionalInt.of(9187), Duration.ofSeconds(2)),
                load(task("settings: {metrics: {port: 9187, interval: 2s}}")).settings().metrics());
        List<TaskProblem> problems = problems(task("settings: {metrics: {port: 70000}}"));
        assertEquals("settings.metrics.port", problems.get(0).location());
        assertEquals("settings.metrics.path", problems(task("settings: {metrics: {path: /m}}")).get(0).location());
    }

    @Test
    void cdcStopAtIsAnLsnOrATime() throws Exception {
        assertEquals(Optional.of(new StopAt.Position("0/16B3748")),
                load(task("settings: {cdc: {stopAt: 0/16b3748}}")).settings().cdc().stopAt());
        List<TaskProblem> problems = problems(task("settings: {cdc: {stopAt: tomorrow}}"));
        assertEquals("settings.cdc.stopAt", problems.get(0).location());
        assertTrue(problems.get(0).message().startsWith("found 'tomorrow'; expected an LSN such as 0/16B3748, or an"
                + " ISO-8601 time"), problems.get(0).message());
    }

    @Test
    void cutoverNotAfterIsADurationOfAtLeastAMinuteAfterTheScheduledTime() throws Exception {
        assertEquals(Optional.empty(), load(task("")).settings().cutover().notAfter());
        assertEquals(Optional.of(Duration.ofMinutes(30)),
                load(task("settings: {cutover: {notAfter: 30min}}")).settings().cutover().notAfter());
        List<TaskProblem> problems = problems(task("settings: {cutover: {notAfter: '2026-12-06T03:00:00Z'}}"));
        assertEquals("settings.cutover.notAfter", problems.get(0).location());
        assertTrue(problems.get(0).message().contains("a duration such as 30min or 2h, not a time"),
                problems.get(0).message());
        problems = problems(task("settings: {cutover: {notAfter: 20s}}"));
        assertEquals("settings.cutover.notAfter", problems.get(0).location());
        assertTrue(problems.get(0).message().contains("at least 1min after the scheduled time"), problems.get(0).message());
    }

    @Test
    void godwitKeysOverrideDmsTaskSettings() throws Exception {
        Files.writeString(dir.resolve("dms.json"), """
                {"FullLoadSettings": {"TargetTablePrepMode": "DO_NOTHING", "MaxFullLoadSubTasks": "12"},
                 "ValidationSettings": {"EnableValidation": false, "ThreadCount": 9},
                 "ErrorBehavior": {"DataErrorPolicy": "STOP_TASK", "FailOnNoTablesCaptured": false},
                 "StreamBufferSettings": {"StreamBufferCount": 3}}
                """);
        Task task = load(task("settings: {dmsTaskSettings: dms.json, parallelism: 2, validation: {enabled: true}}"));
        Settings s = task.settings();
        assertEquals(2, s.parallelism());
        assertEquals(TargetTablePrepMode.DO_NOTHING, s.targetTablePrepMode());
        assertTrue(s.validation().enabled());
        assertEquals(9, s.validation().threadCount());
        assertEquals(ErrorPolicy.STOP, s.errorPolicy());
        assertFalse(s.failOnNoTablesCaptured());
        assertEquals(List.of("StreamBufferSettings.StreamBufferCount"), s.ignoredDmsKeys());
    }

    @Test
    void privilegesAndOwnershipAcceptOnlyTheirValuesAndNameThem() throws Exception {
        assertEquals(AccessSettings.Ownership.TASK_USER,
                load(task("settings: {ownership: TASK_USER}")).settings().access().ownership());
        List<String> rendered = problems(task("settings: {privileges: all, ownership: source}")).stream()
                .map(p -> p.location() + ": " + p.message()).toList();
        assertEquals(List.of("settings.privileges: unknown value 'all'; expected one of: keep, none",
                "settings.ownership: unknown value 'source'; expected one of: keep, task-user"), rendered);
    }

    @Test
    void theSlotBudgetIsASizeAndItsPolicyOneOfThree() throws Exception {
        assertEquals(SlotSettings.defaults(), load(task("")).settings().slot());
        SlotSettings slot = load(task("settings: {slot: {maxRetainedWal: 50GB, onBudget: pause-load}}")).settings().slot();
        assertEquals(OptionalLong.of(50L << 30), slot.maxRetainedWal());
        assertEquals(SlotSettings.OnBudget.PAUSE_LOAD, slot.onBudget());
        List<String> rendered = problems(task("settings: {slot: {maxRetainedWal: 0, onBudget: drop}}")).stream()
                .map(p -> p.location() + ": " + p.message()).toList();
        assertEquals(List.of("settings.slot.maxRetainedWal: found '0'; expected a size such as 50GB or 512MB (binary"
                        + " units), greater than zero",
                "settings.slot.onBudget: unknown value 'drop'; expected one of: warn, pause-load, stop"), rendered);
    }

    @Test
    void aFallbackAtCutoverIsAskedForWithTrueAndIsOffByDefault() throws Exception {
        assertFalse(load(task("")).settings().cutover().withFallback());
        assertTrue(load(task("settings: {cutover: {withFallback: true}}")).settings().cutover().withFallback());
        assertEquals("settings.cutover.withFallback",
                problems(task("settings: {cutover: {withFallback: later}}")).get(0).location());
    }

    @Test
    void aFailoverSlotIsAskedForWithTrueAndNothingElse() throws Exception {
        assertFalse(load(task("")).settings().slot().failover());
        SlotSettings slot = load(task("settings: {slot: {failover: true}}")).settings().slot();
        assertTrue(slot.failover());
        assertEquals(SlotSettings.OnBudget.WARN, slot.onBudget());
        List<String> rendered = problems(task("settings: {slot: {failover: always}}")).stream()
                .map(p -> p.location() + ": " + p.message()).toList();
        assertEquals(List.of("settings.slot.failover: found 'always'; expected true or false"), rendered);
    }

    @Test
    void aDmsTaskSettingsFileLeavesPrivilegesAndOwnershipAtTheirDefaults() throws Exception {
        Files.writeString(dir.resolve("dms.json"), "{\"FullLoadSettings\": {\"TargetTablePrepMode\": \"DROP_AND_CREATE\"}}");
        assertEquals(AccessSettings.defaults(), load(task("settings: dms.json")).settings().access());
        assertEquals(AccessSettings.Privileges.NONE, load(task("settings: {dmsTaskSettings: dms.json, privileges: none}"))
                .settings().access().privileges());
    }

    @Test
    void settingsMayBeJustThePathOfADmsFile() throws Exception {
        Files.writeString(dir.resolve("dms.json"), "{\"ControlTablesSettings\": {\"ControlSchema\": \"ctl\"}}");
        assertEquals("ctl", load(task("settings: dms.json")).settings().controlSchema());
    }

    @Test
    void aYamlSyntaxErrorGivesLineAndColumn() throws Exception {
        List<TaskProblem> problems = problems("name: shop\nsource:\n  url: x\n   bad: [\n");
        assertEquals(1, problems.size());
        assertEquals("line 4, column 7", problems.get(0).location());
        assertTrue(problems.get(0).message().startsWith("invalid YAML: "));
    }

    @Test
    void aTabIsReportedOnItsOwnLineWithTheParsersReason() throws Exception {
        List<TaskProblem> problems = problems("name: shop\nsource:\n  url: x\n\tuser: y\ntarget:\n  url: z\n");
        assertEquals(1, problems.size());
        assertEquals(dir.resolve("task.yaml"), problems.get(0).file());
        assertEquals("line 4, column 1", problems.get(0).location());
        assertEquals("invalid YAML: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)",
                problems.get(0).message());
    }

    @Test
    void aBadIndentIsReportedWhereItIsWithTheParsersReasonAndContext() throws Exception {
        List<TaskProblem> problems = problems("name: shop\nsource:\n  url: x\n user: y\ntarget:\n  url: z\n");
        assertEquals(1, problems.size());
        assertEquals("line 4, column 2", problems.get(0).location());
        assertEquals("invalid YAML: expected <block end>, but found '<block mapping start>'"
                + " (while parsing a block mapping at line 1, column 1)", problems.get(0).message());
    }

    @Test
    void aListItemOutOfPlaceIsReportedOnItsLine() throws Exception {
        List<TaskProblem> problems = problems("name: shop\nsource:\n  url: x\n - y\n");
        assertEquals("line 4, column 2", problems.get(0).location());
        assertEquals("invalid YAML: expected <block end>, but found '<block sequence start>'"
                + " (while parsing a block mapping at line 1, column 1)", problems.get(0).message());
    }

    @Test
    void anUnclosedQuoteNamesWhereTheQuoteStarts() throws Exception {
        List<TaskProblem> problems = problems("name: 'shop\nsource: x\n");
        assertEquals("line 3, column 1", problems.get(0).location());
        assertEquals("invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 1, column 7)",
                problems.get(0).message());
    }

    @Test
    void aJsonSyntaxErrorInAReferencedFileNamesThatFile() throws Exception {
        Files.writeString(dir.resolve("m.json"), "{\"rules\": [\n  {\"rule-type\": }\n]}");
        List<TaskProblem> problems = problems(task("").replace(MAPPINGS, "tableMappings: m.json\n"));
        assertEquals(dir.resolve("m.json"), problems.get(0).file());
        assertEquals("line 2, column 17", problems.get(0).location());
    }

    @Test
    void allProblemsAreReportedAtOnceWithPathsAndDidYouMean() throws Exception {
        List<TaskProblem> problems = problems("""
                name: Shop!
                source: {url: 'mysql://x'}
                target: {url: 'postgresql://h/db'}
                typ: cdc
                tableMappings: {rules: [{rule-type: selection, rule-id: 1, rule-action: includ, object-locator: {schema-name: a, table-name: b}}]}
                settings: {paralelism: 3, splitThreshold: lots}
                """);
        List<String> rendered = problems.stream().map(p -> p.location() + ": " + p.message()).toList();
        assertEquals(List.of(
                "typ: unknown task key 'typ'; did you mean 'type'?",
                "name: found 'Shop!'; expected 1 to 56 lower-case letters, digits, _ and - (the name also names the"
                        + " replication slot and publication)",
                "source.url: the URL does not start with postgresql:// or postgres://; expected"
                        + " postgresql://user@host:port/database?param=value",
                "target.url: the URL names no user; expected postgresql://user@host:port/database?param=value",
                "type: missing; expected one of: full-load, cdc, full-load-and-cdc",
                "tableMappings.rules[0].rule-action: unknown selection rule-action 'includ'; did you mean 'include'?;"
                        + " expected one of: include, exclude, explicit",
                "settings.paralelism: unknown setting 'paralelism'; did you mean 'parallelism'?; expected one of:"
                        + " parallelism, controlSchema, targetTablePrepMode, splitThreshold, allowLossyTypeChanges,"
                        + " slotName, publicationName, cdc, errorPolicy, applyConflicts, validation, cutover, partitions,"
                        + " targetSchema, failOnNoTablesCaptured, privileges, ownership, slot, metrics, dmsTaskSettings, or a DMS"
                        + " task-settings section",
                "settings.splitThreshold: found 'lots'; expected a size such as 1GB, 512MB or 64kB (binary units),"
                        + " greater than zero"), rendered);
        TaskFileException e = assertThrows(TaskFileException.class, () -> load("name: x\n"));
        assertEquals(e.problems().size(), e.getMessage().split("\n").length, "one line per problem");
    }

    @Test
    void passwordsNeverAppearInMessagesOrToString() throws Exception {
        Task task = load(task("").replace("postgres://admin@10.0.0.9/shop", "postgresql://admin:s3cr%40t@10.0.0.9/shop"
                + "?application_name=godwit&password=other"));
        assertEquals(new PasswordSource.Literal("other"), task.target().password());
        assertEquals("postgresql://admin@10.0.0.9:5432/shop?application_name=godwit", task.target().redacted());
        assertFalse(task.target().toString().contains("s3cr"));
        assertFalse(task.toString().contains("other"));
        assertFalse(new PasswordSource.Literal("hunter2").toString().contains("hunter2"));

        List<TaskProblem> problems = problems(task("").replace("${env:SRC_PASSWORD}", "${vault:hunter2}"));
        assertEquals("unknown reference '${vault:…}'; expected ${env:NAME} or ${file:/path}", problems.get(0).message());
        problems = problems(task("").replace("postgresql://app@10.0.0.5", "postgresql://app:hunter2@10.0.0.5"));
        assertEquals("source.password", problems.get(0).location());
        assertFalse(problems.toString().contains("hunter2"));
    }

    @Test
    void passwordSourcesAreReadFromEachForm() throws Exception {
        assertEquals(new PasswordSource.FromFile(dir.resolve("secrets/pw")),
                load(task("").replace("${env:SRC_PASSWORD}", "${file:secrets/pw}")).source().password());
        assertEquals(new PasswordSource.FromCommand("pass show db"),
                load(task("").replace("password: ${env:SRC_PASSWORD}", "passwordCommand: pass show db")).source().password());
        assertEquals(new PasswordSource.None(),
                load(task("").replace("${env:SRC_PASSWORD}", "none")).source().password());
    }

    @Test
    void urlPartsArePercentDecodedAndIpv6HostsAccepted() throws Exception {
        Endpoint e = load(task("").replace("postgresql://app@10.0.0.5:5432/shop?sslmode=verify-full",
                "postgresql://app%40corp@[::1]:6432/my%20db")).source();
        assertEquals("app@corp", e.user());
        assertEquals("::1", e.host());
        assertEquals(6432, e.port());
        assertEquals("my db", e.database());
        assertEquals("postgresql://app%40corp@[::1]:6432/my%20db", e.redacted());
    }

    @Test
    void migrationTypeAcceptsTaskFileAndDmsSpellings() {
        assertEquals(Optional.of(MigrationType.FULL_LOAD), MigrationType.parse("full-load"));
        assertEquals(Optional.of(MigrationType.FULL_LOAD_AND_CDC), MigrationType.parse("FULL_LOAD_AND_CDC"));
        assertEquals(Optional.of(MigrationType.CDC), MigrationType.parse("cdc"));
        assertEquals(Optional.empty(), MigrationType.parse("full"));
    }
}

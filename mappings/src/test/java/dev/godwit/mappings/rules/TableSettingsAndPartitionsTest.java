package dev.godwit.mappings.rules;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.partition.PartitionSettings;
import dev.godwit.mappings.partition.TableName;
import dev.godwit.mappings.task.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.godwit.mappings.Catalogs.of;
import static dev.godwit.mappings.Catalogs.table;
import static dev.godwit.mappings.Mappings.apply;
import static dev.godwit.mappings.Mappings.include;
import static dev.godwit.mappings.Mappings.problems;
import static dev.godwit.mappings.Mappings.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TableSettingsAndPartitionsTest {

    private static final List<SourceTable> CATALOG = List.of(
            table("public", "orders", "*id bigint", "region text", "created_at timestamp with time zone"),
            of(SourceTableKind.PARTITIONED_TABLE, "public", "events", "id bigint", "created_at date"));

    private static String settingsRule(String id, String table, String parallelLoad) {
        return "{'rule-type':'table-settings','rule-id':'" + id + "','rule-name':'ts" + id + "','object-locator':"
                + "{'schema-name':'public','table-name':'" + table + "'},'parallel-load':" + parallelLoad + "}";
    }

    private static Settings withPartitions(PartitionSettings partitions) {
        Settings d = Settings.defaults("t");
        return new Settings(d.parallelism(), d.controlSchema(), d.targetTablePrepMode(), d.splitThresholdBytes(),
                d.allowLossyTypeChanges(), d.slotName(), d.publicationName(), d.cdc(), d.errorPolicy(),
                d.applyConflicts(), d.validation(), d.cutover(), partitions, d.targetSchema(), d.failOnNoTablesCaptured(), d.access(),
                d.slot(), d.metrics(), d.ignoredDmsKeys());
    }

    @Test
    void tableSettingsRejectWildcardsWithDmsWording() {
        var problem = problems(rules(include("1", "public", "%"), settingsRule("40", "ord%", "{'type':'none'}"))).get(0);
        assertEquals("rules[1].object-locator.table-name", problem.location());
        assertEquals("found the wildcard pattern 'ord%'; exact schema and table name required when using table"
                + " settings rule (DMS: \"Rule with ruleId = 40 failed validation\")", problem.message());
    }

    @Test
    void rangesGiveDmsSegmentsPlusOneForNulls() {
        MappingOutcome outcome = apply(rules(include("1", "public", "orders"), settingsRule("40", "orders",
                "{'type':'ranges','columns':['id'],'boundaries':[['100'],[200]]}")), CATALOG);
        ParallelLoad.Ranges ranges = (ParallelLoad.Ranges) outcome.tables().get(0).parallelLoad();
        assertEquals(List.of("(\"id\") < ('100')", "NOT (\"id\") < ('100') AND (\"id\") < ('200')",
                "NOT (\"id\") < ('200')", "\"id\" IS NULL"), ranges.segmentPredicates());
    }

    @Test
    void multiColumnRangesKeepNullsOutOfTheRangeSegments() {
        ParallelLoad.Ranges ranges = new ParallelLoad.Ranges(List.of("a", "b"), List.of(List.of("1", "x")));
        assertEquals(List.of("(\"a\", \"b\") < ('1', 'x') AND \"a\" IS NOT NULL AND \"b\" IS NOT NULL",
                "NOT (\"a\", \"b\") < ('1', 'x') AND \"a\" IS NOT NULL AND \"b\" IS NOT NULL",
                "\"a\" IS NULL OR \"b\" IS NULL"), ranges.segmentPredicates());
    }

    @Test
    void aBoundaryWithTheWrongNumberOfValuesIsAnError() {
        var problem = problems(rules(include("1", "public", "orders"), settingsRule("40", "orders",
                "{'type':'ranges','columns':['id','region'],'boundaries':[['100']]}"))).get(0);
        assertEquals("rules[1].parallel-load.boundaries[0]", problem.location());
        assertEquals("found 1 values; expected one per column (2: id, region)", problem.message());
    }

    @Test
    void partitionsAutoNeedsAPartitionedTable() {
        MappingOutcome outcome = apply(rules(include("1", "public", "%"),
                settingsRule("40", "orders", "{'type':'partitions-auto'}"),
                settingsRule("41", "events", "{'type':'partitions-auto'}")), CATALOG);
        assertEquals(List.of(new MappingProblem("rules[1] (rule-name 'ts40', rule-id 40)", "parallel-load by"
                + " partitions needs a partitioned table; public.orders is a table")), outcome.errors());
    }

    @Test
    void partitionRulesAttachToTablesAndDefaultMergeTouchesOnlyPartitionedOnes() {
        Settings settings = withPartitions(new PartitionSettings(new PartitionRule.Merge(), Map.of()));
        MappingOutcome outcome = apply(rules(include("1", "public", "%")), settings, CATALOG);
        assertEquals(new PartitionRule.Merge(), outcome.tables().get(0).partitionRule());
        assertEquals(new PartitionRule.Keep(), outcome.tables().get(1).partitionRule());
    }

    @Test
    void repartitionChecksTheColumnItsTypeAndThePrimaryKey() {
        Settings settings = withPartitions(new PartitionSettings(new PartitionRule.Keep(), Map.of(
                new TableName("public", "orders"), new PartitionRule.Repartition(new PartitionRule.Range("created_at", "1 month")),
                new TableName("public", "events"), new PartitionRule.Repartition(new PartitionRule.Range("created_at", "1000")),
                new TableName("public", "missing"), new PartitionRule.Merge())));
        MappingOutcome outcome = apply(rules(include("1", "public", "%")), settings, CATALOG);
        assertEquals(List.of(
                "settings.partitions.tables.public.events: range interval '1000' does not fit column created_at of type"
                        + " date; expected an integer or numeric column for a numeric interval",
                "settings.partitions.tables.public.orders: PostgreSQL requires the primary key of a partitioned table"
                        + " to include the partition column; created_at is not in the key (id) of public.orders",
                "settings.partitions.tables.public.missing: names no selected table: looked for public.missing"),
                outcome.errors().stream().map(Object::toString).sorted((a, b) -> a.contains("missing") ? 1
                        : b.contains("missing") ? -1 : a.compareTo(b)).toList());
    }
}

package dev.godwit.mappings.rules;

import dev.godwit.mappings.task.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.godwit.mappings.Catalogs.table;
import static dev.godwit.mappings.Mappings.apply;
import static dev.godwit.mappings.Mappings.include;
import static dev.godwit.mappings.Mappings.problems;
import static dev.godwit.mappings.Mappings.rules;
import static dev.godwit.mappings.Mappings.transform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransformationTest {

    private static final String ORDERS = "'schema-name':'Shop','table-name':'Orders'";
    private static final List<SourceTable> CATALOG = List.of(
            table("Shop", "Orders", "*Id bigint", "ord_total numeric(12,2)", "Note character varying(50)",
                    "placed_at timestamp with time zone", "qty integer", "tmp_x text"));

    private static TableMapping only(String... transformations) {
        String[] all = new String[transformations.length + 1];
        all[0] = include("1", "Shop", "%");
        System.arraycopy(transformations, 0, all, 1, transformations.length);
        MappingOutcome outcome = apply(rules(all), CATALOG);
        assertEquals(List.of(), outcome.errors());
        return outcome.tables().get(0);
    }

    private static List<String> columnNames(TableMapping table) {
        return table.columns().stream().map(ColumnMapping::targetName).toList();
    }

    @Test
    void schemaAndTableNameActionsEachDoWhatTheySay() {
        assertEquals("shop", only(transform("2", "schema", "convert-lowercase", "'schema-name':'Shop'", "")).targetSchema());
        assertEquals("SHOP", only(transform("2", "schema", "convert-uppercase", "'schema-name':'Shop'", "")).targetSchema());
        assertEquals("x", only(transform("2", "schema", "rename", "'schema-name':'Shop'", "'value':'x'")).targetSchema());
        assertEquals("old_Orders", only(transform("2", "table", "add-prefix", ORDERS, "'value':'old_'")).targetName());
        assertEquals("ders", only(transform("2", "table", "remove-prefix", ORDERS, "'value':'Or'")).targetName());
        assertEquals("XYders", only(transform("2", "table", "replace-prefix", ORDERS, "'old-value':'Or','value':'XY'")).targetName());
        assertEquals("Orders_v2", only(transform("2", "table", "add-suffix", ORDERS, "'value':'_v2'")).targetName());
        assertEquals("Order", only(transform("2", "table", "remove-suffix", ORDERS, "'value':'s'")).targetName());
        assertEquals("OrderZ", only(transform("2", "table", "replace-suffix", ORDERS, "'old-value':'s','value':'Z'")).targetName());
        assertEquals("Orders", only(transform("2", "table", "remove-prefix", ORDERS, "'value':'zz'")).targetName(),
                "a prefix that is not there leaves the name alone");
    }

    @Test
    void columnRenameAndRemoveAndReplacePrefix() {
        TableMapping t = only(
                transform("2", "column", "rename", ORDERS + ",'column-name':'Note'", "'value':'note'"),
                transform("3", "column", "remove-column", ORDERS + ",'column-name':'tmp[_]%'", ""),
                transform("4", "column", "replace-prefix", ORDERS + ",'column-name':'ord[_]%'", "'old-value':'ord_','value':'order_'"));
        assertEquals(List.of("Id", "order_total", "note", "placed_at", "qty"), columnNames(t));
        assertEquals("\"Note\"", t.column("note").orElseThrow().selectExpression());
        assertEquals(List.of("sel1 (rules[0])", "tr2 (rules[1])", "tr3 (rules[2])", "tr4 (rules[3])"), t.appliedRules());
    }

    @Test
    void includeColumnKeepsOnlyTheNamedColumns() {
        TableMapping t = only(
                transform("2", "column", "include-column", ORDERS + ",'column-name':'Id'", ""),
                transform("3", "column", "include-column", ORDERS + ",'column-name':'qty'", ""));
        assertEquals(List.of("Id", "qty"), columnNames(t));
    }

    @Test
    void sameActionOnOneObjectTakesTheLowerRuleIdAndWarns() {
        String rules = rules(include("1", "Shop", "%"),
                transform("9", "table", "rename", ORDERS, "'value':'late'"),
                transform("4", "table", "rename", ORDERS, "'value':'early'"));
        MappingOutcome outcome = apply(rules, CATALOG);
        assertEquals("early", outcome.tables().get(0).targetName());
        assertEquals(List.of(new MappingProblem("rules[1] (rule-name 'tr9', rule-id 9)", "rename on table Shop.Orders"
                + " conflicts with tr4 (rules[2]); the lower rule-id wins, so this rule does not apply there")),
                outcome.warnings());
    }

    @Test
    void differentActionsComposeInRuleIdOrder() {
        assertEquals("archive_orders", only(
                transform("2", "table", "convert-lowercase", "'schema-name':'%','table-name':'%'", ""),
                transform("3", "table", "add-prefix", ORDERS, "'value':'archive_'")).targetName());
        assertEquals("archive_Orders".toLowerCase(), only(
                transform("3", "table", "convert-lowercase", "'schema-name':'%','table-name':'%'", ""),
                transform("2", "table", "add-prefix", ORDERS, "'value':'archive_'")).targetName());
        assertEquals("renamed", only(
                transform("2", "table", "convert-lowercase", "'schema-name':'%','table-name':'%'", ""),
                transform("3", "table", "rename", ORDERS, "'value':'renamed'")).targetName());
    }

    @Test
    void transformationNamesAreCaseSensitiveAndAMissBecomesAnError() {
        MappingOutcome outcome = apply(rules(include("1", "Shop", "%"),
                transform("2", "column", "rename", "'schema-name':'Shop','table-name':'Orders','column-name':'note'",
                        "'value':'n'")), CATALOG);
        assertEquals(List.of(new MappingProblem("rules[1] (rule-name 'tr2', rule-id 2)", "rename matches no column:"
                + " looked for column-name 'note' in tables matching schema-name 'Shop' and table-name 'Orders'")),
                outcome.errors());
    }

    @Test
    void aTransformationForAnUnselectedTableIsAnError() {
        MappingOutcome outcome = apply(rules(include("1", "Shop", "Orders"),
                transform("2", "table", "rename", "'schema-name':'Shop','table-name':'Ordres'", "'value':'x'")), CATALOG);
        assertEquals("rename matches no selected table: looked for schema-name 'Shop' and table-name 'Ordres'",
                outcome.errors().get(0).message());
    }

    @Test
    void changeDataTypeWidensWithACast() {
        ColumnMapping qty = only(transform("2", "column", "change-data-type", ORDERS + ",'column-name':'qty'",
                "'data-type':{'type':'int8'}")).column("qty").orElseThrow();
        assertEquals("bigint", qty.targetType());
        assertEquals("\"qty\"::bigint", qty.selectExpression());
        assertTrue(qty.typeChanged());
        assertFalse(qty.lossy());
    }

    @Test
    void changeDataTypeToTheSameTypeIsNoChange() {
        ColumnMapping qty = only(transform("2", "column", "change-data-type", ORDERS + ",'column-name':'qty'",
                "'data-type':{'type':'int4'}")).column("qty").orElseThrow();
        assertEquals("\"qty\"", qty.selectExpression());
        assertFalse(qty.typeChanged());
    }

    @Test
    void aLossyChangeIsAnErrorUnlessAllowed() {
        String rules = rules(include("1", "Shop", "%"), transform("2", "column", "change-data-type",
                ORDERS + ",'column-name':'placed_at'", "'data-type':{'type':'datetime'}"));
        MappingOutcome strict = apply(rules, CATALOG);
        assertEquals(List.of(new MappingProblem("rules[1] (rule-name 'tr2', rule-id 2)", "change-data-type of"
                + " Shop.Orders.placed_at from timestamp with time zone to timestamp without time zone is lossy:"
                + " timestamp with time zone to timestamp without time zone drops the time zone; set"
                + " allowLossyTypeChanges: true to accept it")), strict.errors());
        Settings lenient = Settings.defaults("t");
        lenient = new Settings(lenient.parallelism(), lenient.controlSchema(), lenient.targetTablePrepMode(),
                lenient.splitThresholdBytes(), true, lenient.slotName(), lenient.publicationName(), lenient.cdc(),
                lenient.errorPolicy(), lenient.applyConflicts(), lenient.validation(), lenient.cutover(), lenient.partitions(),
                lenient.targetSchema(), lenient.failOnNoTablesCaptured(), lenient.access(), lenient.slot(), lenient.metrics(), lenient.ignoredDmsKeys());
        MappingOutcome allowed = apply(rules, lenient, CATALOG);
        assertEquals(List.of(), allowed.errors());
        assertTrue(allowed.tables().get(0).column("placed_at").orElseThrow().lossy());
        assertTrue(allowed.warnings().get(0).message().endsWith("(allowed by allowLossyTypeChanges)"));
    }

    @Test
    void dataTypeLocatorRetypesEveryColumnOfThatDmsType() {
        TableMapping t = only(transform("2", "column", "change-data-type", ORDERS + ",'column-name':'%','data-type':'int4'",
                "'data-type':{'type':'int8'}"));
        assertEquals("bigint", t.column("qty").orElseThrow().targetType());
        assertEquals("bigint", t.column("Id").orElseThrow().targetType(), "bigint is int8 already");
        assertFalse(t.column("Id").orElseThrow().typeChanged());
        assertEquals("text", t.column("tmp_x").orElseThrow().targetType());
    }

    @Test
    void addColumnTranslatesDollarReferencesToQuotedSourceColumns() {
        ColumnMapping c = only(transform("2", "column", "add-column", ORDERS,
                "'value':'label','expression':'$Note || \\u0027 ($x)\\u0027 || $AR_M_SOURCE_TABLE_NAME',"
                        + "'data-type':{'type':'string','length':'80'}")).column("label").orElseThrow();
        assertEquals("(\"Note\" || ' ($x)' || 'Orders')::character varying(80)", c.selectExpression());
        assertEquals(null, c.sourceName());
        assertEquals("character varying(80)", c.targetType());
    }

    @Test
    void addColumnWithAnUnknownColumnReferenceIsAnError() {
        MappingOutcome outcome = apply(rules(include("1", "Shop", "%"), transform("2", "column", "add-column", ORDERS,
                "'value':'label','expression':'$note','data-type':{'type':'clob'}")), CATALOG);
        assertEquals("expression refers to $note, which Shop.Orders does not have; did you mean 'Note'?",
                outcome.errors().get(0).message());
    }

    @Test
    void operationIndicatorGivesTheInsertValueToTheFullLoadAndAllThreeToCdc() {
        ColumnMapping c = only(transform("2", "column", "add-column", ORDERS,
                "'value':'op','expression':'operation_indicator(\\u0027D\\u0027, \\u0027U\\u0027, \\u0027I\\u0027)',"
                        + "'data-type':{'type':'string','length':1}")).column("op").orElseThrow();
        assertEquals("'I'::character varying(1)", c.selectExpression());
        assertEquals(Optional.of(new OperationIndicator("D", "U", "I")), c.operationIndicator());
    }

    @Test
    void addColumnCollidingWithAnExistingColumnIsAnError() {
        MappingOutcome outcome = apply(rules(include("1", "Shop", "%"), transform("2", "column", "add-column", ORDERS,
                "'value':'qty','data-type':{'type':'int4'}")), CATALOG);
        assertEquals("two target columns of Shop.Orders would be named 'qty': source column qty and an added column;"
                + " DMS and godwit need distinct target names", outcome.errors().get(0).message());
    }

    @Test
    void definePrimaryKeyResolvesColumnsByTargetName() {
        TableMapping t = only(transform("2", "column", "rename", ORDERS + ",'column-name':'qty'", "'value':'quantity'"),
                transform("3", "table", "define-primary-key", ORDERS, "'primary-key-def':{'name':'pk','origin':"
                        + "'unique-index','columns':['Id','quantity']}"));
        assertEquals(Optional.of(new PrimaryKeyDefinition("pk", PrimaryKeyDefinition.Origin.UNIQUE_INDEX,
                List.of("Id", "quantity"))), t.definedPrimaryKey());
    }

    @Test
    void unknownRuleActionIsRejectedWithADidYouMean() {
        var problem = problems(rules(include("1", "Shop", "%"), transform("2", "table", "renam", ORDERS, "'value':'x'"))).get(0);
        assertEquals("rules[1].rule-action", problem.location());
        assertTrue(problem.message().startsWith("unknown rule-action 'renam'; did you mean 'rename'?; expected one of:"
                + " rename, remove-column, include-column,"), problem.message());
    }

    @Test
    void columnActionsNeedRuleTargetColumn() {
        var problem = problems(rules(include("1", "Shop", "%"), transform("2", "table", "remove-column", ORDERS, ""))).get(0);
        assertEquals("rules[1].rule-target", problem.location());
        assertEquals("rule-action remove-column needs rule-target column; found 'table'", problem.message());
    }

    @Test
    void beforeImageAndTablespaceRulesLoadButWarn() {
        MappingOutcome outcome = apply(rules(include("1", "Shop", "%"),
                transform("2", "column", "add-before-image-columns", ORDERS, "'before-image-def':{'column-prefix':'bi_'}"),
                transform("3", "table-tablespace", "rename", ORDERS, "'value':'x'")), CATALOG);
        assertEquals(List.of(), outcome.errors());
        assertEquals(List.of(
                "rules[1] (rule-name 'tr2', rule-id 2): add-before-image-columns applies only to streaming targets"
                        + " (Kinesis, Kafka), not to PostgreSQL targets",
                "rules[2] (rule-name 'tr3', rule-id 3): rule-target table-tablespace applies only to Oracle targets,"
                        + " not to PostgreSQL targets"),
                outcome.warnings().stream().map(Object::toString).toList());
    }

    @Test
    void twoSourceTablesLandingInOneTargetTableIsAnError() {
        MappingOutcome outcome = apply(rules(include("1", "%", "%"),
                transform("2", "table", "rename", "'schema-name':'a','table-name':'t2'", "'value':'t1'")),
                List.of(table("a", "t1", "id integer"), table("a", "t2", "id integer")));
        assertEquals("source tables a.t1 and a.t2 would both land in target table a.t1; each target table needs one"
                + " source table", outcome.errors().get(0).message());
    }
}

package dev.godwit.mappings.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.godwit.mappings.Catalogs.of;
import static dev.godwit.mappings.Catalogs.table;
import static dev.godwit.mappings.Mappings.apply;
import static dev.godwit.mappings.Mappings.exclude;
import static dev.godwit.mappings.Mappings.include;
import static dev.godwit.mappings.Mappings.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionTest {

    private static final List<SourceTable> CATALOG = List.of(
            table("public", "orders", "*id integer", "created_on date", "region text", "amount numeric(10,2)"),
            table("public", "order_items", "*id integer"),
            table("public", "orderXitems", "*id integer"),
            table("public", "Mixed", "*id integer"),
            of(SourceTableKind.VIEW, "public", "v_orders", "id integer"),
            of(SourceTableKind.FOREIGN_TABLE, "public", "remote", "id integer"));

    private static List<String> selected(MappingOutcome outcome) {
        return outcome.tables().stream().map(t -> t.source().qualifiedName()).sorted().toList();
    }

    @Test
    void excludeRuleWinsOverIncludeWhateverTheRuleIds() {
        MappingOutcome outcome = apply(rules(exclude("1", "public", "order%"), include("2", "public", "%")), CATALOG);
        assertEquals(List.of("public.Mixed"), selected(outcome));
        assertEquals(List.of(), outcome.errors());
    }

    @Test
    void tableTypeTableLeavesViewsAndForeignTablesOut() {
        MappingOutcome outcome = apply(rules(include("1", "public", "%")), CATALOG);
        assertEquals(List.of("public.Mixed", "public.orderXitems", "public.order_items", "public.orders"), selected(outcome));
    }

    @Test
    void tableTypeViewSelectsViewsWithAWarningThatCdcDoesNotFollowThem() {
        String rule = include("1", "public", "v%").replace("'table-name':'v%'", "'table-name':'v%','table-type':'view'");
        MappingOutcome outcome = apply(rules(rule), CATALOG);
        assertEquals(List.of("public.v_orders"), selected(outcome));
        assertTrue(outcome.warnings().stream().anyMatch(w -> w.message().equals("public.v_orders is a view: it is"
                + " copied once, as a plain table, during the full load; CDC does not keep it in sync")));
    }

    @Test
    void underscoreWildcardMatchesOrderXitemsAndTheEngineWarnsAboutIt() {
        MappingOutcome outcome = apply(rules(include("1", "public", "order_items")), CATALOG);
        assertEquals(List.of("public.orderXitems", "public.order_items"), selected(outcome));
        assertEquals(List.of(new MappingProblem("rules[0] (rule-name 'sel1', rule-id 1)", "table-name 'order_items'"
                + " also matches public.orderXitems because _ matches any one character; write 'order[_]items' to"
                + " match only 'order_items'")), outcome.warnings());
    }

    @Test
    void bracketEscapedUnderscoreSelectsOnlyTheLiteralName() {
        MappingOutcome outcome = apply(rules(include("1", "public", "order[_]items")), CATALOG);
        assertEquals(List.of("public.order_items"), selected(outcome));
        assertEquals(List.of(), outcome.warnings());
    }

    @Test
    void namesAreCaseSensitiveAndTheErrorSuggestsTheCatalogSpelling() {
        MappingOutcome outcome = apply(rules(include("1", "public", "orders"), include("2", "public", "mixed")), CATALOG);
        assertEquals(List.of("public.orders"), selected(outcome));
        assertEquals(List.of(new MappingProblem("rules[1] (rule-name 'sel2', rule-id 2)", "matches no table: looked"
                + " for schema-name 'public' and table-name 'mixed'; names are case-sensitive: did you mean"
                + " public.Mixed?")), outcome.errors());
    }

    @Test
    void aRuleThatMatchesNothingIsAnErrorNamingWhatItLookedFor() {
        MappingOutcome outcome = apply(rules(include("1", "public", "orders"), exclude("2", "pubic", "%")), CATALOG);
        assertEquals(List.of(new MappingProblem("rules[1] (rule-name 'sel2', rule-id 2)", "matches no table: looked"
                + " for schema-name 'pubic' and table-name '%'; the source has no schema 'pubic'; did you mean"
                + " 'public'?")), outcome.errors());
    }

    @Test
    void noSelectedTableAtAllIsAnError() {
        MappingOutcome outcome = apply(rules(include("1", "public", "orders"), exclude("2", "public", "orders")), CATALOG);
        assertTrue(outcome.errors().contains(new MappingProblem(null,
                "no table is selected: the selection rules match nothing in the source catalog")));
    }

    @Test
    void explicitRuleSelectsOneTableAndReadsUnderscoreLiterally() {
        String explicit = include("1", "public", "order_items").replace("'include'", "'explicit'");
        MappingOutcome outcome = apply(rules(explicit), CATALOG);
        assertEquals(List.of("public.order_items"), selected(outcome));
    }

    @Test
    void higherLoadOrderLoadsFirst() {
        String first = include("1", "public", "orders").replace("'include'", "'include','load-order':'10'");
        String second = include("2", "public", "Mixed").replace("'include'", "'include','load-order':500");
        MappingOutcome outcome = apply(rules(first, second, include("3", "public", "order[_]items")), CATALOG);
        assertEquals(List.of("public.Mixed", "public.orders", "public.order_items"),
                outcome.tables().stream().map(t -> t.source().qualifiedName()).toList());
        assertEquals(500, outcome.tables().get(0).loadOrder());
        assertEquals(0, outcome.tables().get(2).loadOrder());
    }

    @Test
    void conflictingLoadOrdersTakeTheLowestRuleIdAndWarn() {
        String a = include("7", "public", "orders").replace("'include'", "'include','load-order':'10'");
        String b = include("3", "public", "ord%").replace("'include'", "'include','load-order':'99'");
        MappingOutcome outcome = apply(rules(a, b), List.of(CATALOG.get(0)));
        assertEquals(99, outcome.tables().get(0).loadOrder());
        assertEquals(List.of(new MappingProblem("rules[0] (rule-name 'sel7', rule-id 7)", "sets different load-order"
                + " for public.orders than sel3 (rules[1]); the lower rule-id wins, so this rule's load-order is not"
                + " used")), outcome.warnings());
    }

    @Test
    void aBroadIncludeWithoutFiltersDoesNotCancelAFilteredOne() {
        String filtered = include("5", "public", "orders").replace("'include'", "'include','filters':[{'filter-type':"
                + "'source','column-name':'id','filter-conditions':[{'filter-operator':'gte','value':'10'}]}]");
        MappingOutcome outcome = apply(rules(include("1", "public", "%"), filtered), List.of(CATALOG.get(0)));
        assertEquals("\"id\" >= '10'", outcome.tables().get(0).sourceFilterSql().orElseThrow());
    }
}

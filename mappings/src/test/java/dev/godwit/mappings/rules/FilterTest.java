package dev.godwit.mappings.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.godwit.mappings.Catalogs.table;
import static dev.godwit.mappings.Mappings.apply;
import static dev.godwit.mappings.Mappings.include;
import static dev.godwit.mappings.Mappings.problems;
import static dev.godwit.mappings.Mappings.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilterTest {

    private static final List<SourceTable> CATALOG = List.of(
            table("public", "orders", "*id integer", "created_on date", "region text", "note text"));

    private static String filtered(String filters) {
        return include("1", "public", "orders").replace("'include'", "'include','filters':" + filters);
    }

    private static String sql(String filters) {
        MappingOutcome outcome = apply(rules(filtered(filters)), CATALOG);
        assertEquals(List.of(), outcome.errors());
        return outcome.tables().get(0).sourceFilterSql().orElseThrow();
    }

    private static String one(String column, String condition) {
        return "[{'filter-type':'source','column-name':'" + column + "','filter-conditions':[" + condition + "]}]";
    }

    @Test
    void eachOperatorBecomesItsPostgresqlPredicate() {
        assertEquals("\"id\" = '5'", sql(one("id", "{'filter-operator':'eq','value':'5'}")));
        assertEquals("\"id\" <> '5'", sql(one("id", "{'filter-operator':'noteq','value':5}")));
        assertEquals("\"id\" >= '5'", sql(one("id", "{'filter-operator':'gte','value':'5'}")));
        assertEquals("\"id\" <= '5'", sql(one("id", "{'filter-operator':'ste','value':'5'}")));
        assertEquals("\"id\" <= '5'", sql(one("id", "{'filter-operator':'lte','value':'5'}")));
        assertEquals("\"created_on\" BETWEEN '2024-01-01' AND '2024-12-31'", sql(one("created_on",
                "{'filter-operator':'between','start-value':'2024-01-01','end-value':'2024-12-31'}")));
        assertEquals("\"id\" NOT BETWEEN '1' AND '9'", sql(one("id",
                "{'filter-operator':'notbetween','start-value':'1','end-value':'9'}")));
        assertEquals("\"note\" IS NULL", sql(one("note", "{'filter-operator':'null'}")));
        assertEquals("\"note\" IS NOT NULL", sql(one("note", "{'filter-operator':'notnull'}")));
    }

    @Test
    void conditionsOfOneFilterAreOredAndFiltersAreAnded() {
        String filters = "[{'filter-type':'source','column-name':'region','filter-conditions':["
                + "{'filter-operator':'eq','value':'eu'},{'filter-operator':'eq','value':'it''s'}]},"
                + "{'filter-type':'source','column-name':'id','filter-conditions':[{'filter-operator':'gte','value':'1'}]}]";
        assertEquals("(\"region\" = 'eu' OR \"region\" = 'it''s') AND \"id\" >= '1'",
                sql(filters.replace("it''s", "it\\u0027s")));
    }

    @Test
    void aNegativeOperatorMustBeAloneInItsFilter() {
        String filters = one("id", "{'filter-operator':'noteq','value':'1'},{'filter-operator':'eq','value':'2'}");
        assertEquals("rules[0].filters[0].filter-conditions", problems(rules(filtered(filters))).get(0).location());
        assertTrue(problems(rules(filtered(filters))).get(0).message().startsWith(
                "a filter with the negative operator noteq may hold only that one condition; found 2."));
    }

    @Test
    void filtersNeedAnIncludeRuleWithAnExactTableName() {
        String wildcard = include("1", "public", "ord%").replace("'include'", "'include','filters':"
                + one("id", "{'filter-operator':'eq','value':'1'}"));
        assertEquals("found the wildcard pattern 'ord%'; a rule with filters must name one table exactly (write [%]"
                + " or [_] for a literal % or _)", problems(rules(wildcard)).get(0).message());
        String onExclude = wildcard.replace("'include'", "'exclude'").replace("ord%", "orders");
        assertEquals("rules[0].filters", problems(rules(onExclude)).get(0).location());
    }

    @Test
    void unknownOperatorsAreRejectedWithTheListOfValidOnes() {
        var problem = problems(rules(filtered(one("id", "{'filter-operator':'lt','value':'1'}")))).get(0);
        assertEquals("rules[0].filters[0].filter-conditions[0].filter-operator", problem.location());
        assertEquals("unknown filter-operator 'lt'; did you mean 'lte'?; expected one of: eq, noteq, gte, ste, lte,"
                + " between, notbetween, null, notnull", problem.message());
    }

    @Test
    void aMissingOperandIsNamed() {
        var problem = problems(rules(filtered(one("id", "{'filter-operator':'between','start-value':'1'}")))).get(0);
        assertEquals("rules[0].filters[0].filter-conditions[0].end-value", problem.location());
        assertEquals("missing; filter-operator between needs end-value", problem.message());
    }

    @Test
    void aFilterOnAMissingColumnIsAnErrorWithASuggestion() {
        MappingOutcome outcome = apply(rules(filtered(one("regoin", "{'filter-operator':'eq','value':'x'}"))), CATALOG);
        assertEquals(List.of(new MappingProblem("rules[0] (rule-name 'sel1', rule-id 1)", "filter column 'regoin'"
                + " does not exist in public.orders; did you mean 'region'?")), outcome.errors());
    }

    @Test
    void aFilterOnANonKeyColumnWarnsAboutRowsThatMoveAcrossIt() {
        MappingOutcome outcome = apply(rules(filtered(one("region", "{'filter-operator':'eq','value':'x'}"))), CATALOG);
        assertTrue(outcome.warnings().get(0).message().startsWith("filters public.orders on region, which is not part"
                + " of the primary key"));
    }
}

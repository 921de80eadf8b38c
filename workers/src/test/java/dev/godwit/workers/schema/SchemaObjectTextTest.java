package dev.godwit.workers.schema;

import dev.godwit.workers.catalog.Aggregate;
import dev.godwit.workers.catalog.Policy;
import dev.godwit.workers.catalog.Routine;
import dev.godwit.workers.schema.SchemaScript.Group;
import dev.godwit.workers.schema.SchemaScript.Statement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The statements built from catalog parts rather than printed by the source: texts alone, no server. */
class SchemaObjectTextTest {

    private static Routine aggregate(String args, Aggregate a) {
        return new Routine(1, "app", "total", Routine.Kind.AGGREGATE, args, "internal", Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), Optional.of(a), Optional.empty());
    }

    private static Aggregate plain(Optional<String> finalfunc, Optional<String> initcond, String kind) {
        return new Aggregate(kind, "int4pl", "integer", 0, finalfunc, false, "r", Optional.empty(),
                Optional.empty(), Optional.empty(), initcond, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Optional.empty(), false, "r", Optional.empty(), Optional.empty(), "u");
    }

    @Test
    void anAggregateLeavesOutTheOptionsAtTheirDefault() {
        assertEquals("CREATE OR REPLACE AGGREGATE \"app\".\"total\"(integer) (SFUNC = int4pl, STYPE = integer,"
                        + " INITCOND = '0')",
                AggregateText.create(aggregate("integer", plain(Optional.empty(), Optional.of("0"), "n"))));
    }

    @Test
    void anAggregateWithAFinalFunctionSaysHowItModifiesTheState() {
        assertEquals("CREATE OR REPLACE AGGREGATE \"app\".\"total\"(VARIADIC \"any\" ORDER BY VARIADIC \"any\")"
                        + " (SFUNC = int4pl, STYPE = integer, FINALFUNC = app.fin, FINALFUNC_MODIFY = READ_ONLY,"
                        + " HYPOTHETICAL)",
                AggregateText.create(aggregate("VARIADIC \"any\" ORDER BY VARIADIC \"any\"",
                        plain(Optional.of("app.fin"), Optional.empty(), "h"))));
    }

    @Test
    void anAggregateOfNoArgumentsIsNamedWithAStar() {
        assertEquals("\"app\".\"total\"(*)", AggregateText.signature(aggregate("", plain(Optional.empty(),
                Optional.empty(), "n"))));
    }

    @Test
    void aPolicyNamesItsKindCommandRolesAndExpressions() {
        Policy restrictive = new Policy(1, "no negative", "w", false, List.of(Optional.of("App User"),
                Optional.empty()), Optional.of("true"), Optional.of("(balance >= 0)"), Optional.empty());
        assertEquals("CREATE POLICY \"no negative\" ON app.accounts AS RESTRICTIVE FOR UPDATE TO \"App User\", PUBLIC"
                + " USING (true) WITH CHECK ((balance >= 0))", PolicyText.create(restrictive, "app.accounts"));
        Policy all = new Policy(1, "own", "*", true, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals("CREATE POLICY \"own\" ON t AS PERMISSIVE FOR ALL TO PUBLIC", PolicyText.create(all, "t"));
    }

    @Test
    void aViewDefinitionLosesItsSemicolonAndAMaterializedViewIsCreatedEmpty() {
        assertEquals("CREATE OR REPLACE VIEW v WITH (security_barrier=true) AS\nSELECT 1", ViewText.createView("v",
                List.of("security_barrier=true"), " SELECT 1;"));
        assertEquals("CREATE MATERIALIZED VIEW IF NOT EXISTS m AS\nSELECT 1\n WITH NO DATA",
                ViewText.createMaterializedView("m", List.of(), "SELECT 1;\n"));
    }

    @Test
    void aRuleIsCreatedOrReplaced() {
        assertEquals("CREATE OR REPLACE RULE r AS ON DELETE TO t DO INSTEAD NOTHING;",
                RuleDdl.orReplace("CREATE RULE r AS ON DELETE TO t DO INSTEAD NOTHING;"));
    }

    @Test
    void aSearchPathSettingIsReadIntoSchemaNames() {
        assertEquals(Set.of("pg_catalog", "public", "My \"Schema\"", "$user"),
                ObjectExtensions.searchPath("pg_catalog, public,\"My \"\"Schema\"\"\", $user"));
    }

    @Test
    void thePostDataAfterTheTablesRunsEveryLaterPhaseInOrder() {
        Statement key = new Statement("k", "key");
        Statement fk = new Statement("f", "fk");
        Statement view = new Statement("v", "view");
        Statement trigger = new Statement("t", "trigger");
        Statement refresh = new Statement("r", "refresh");
        SchemaScript script = new SchemaScript(List.of(), List.of(
                new Group("refresh", SchemaScript.REFRESH_PHASE, List.of(refresh)),
                new Group("a", SchemaScript.TABLE_PHASE, List.of(key)),
                new Group("triggers", SchemaScript.TRIGGER_PHASE, List.of(trigger)),
                new Group("views", SchemaScript.VIEW_PHASE, List.of(view)),
                new Group("fks", SchemaScript.FOREIGN_KEY_PHASE, List.of(fk))), List.of(), List.of());
        assertEquals(List.of(fk, view, trigger, refresh), script.postDataAfter(SchemaScript.TABLE_PHASE));
        assertEquals(List.of(key, fk, view, trigger, refresh), script.postDataInOrder());
    }
}

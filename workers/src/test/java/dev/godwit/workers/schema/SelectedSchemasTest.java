package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.NamePattern;
import dev.godwit.mappings.rules.RuleRef;
import dev.godwit.mappings.rules.SelectionAction;
import dev.godwit.mappings.rules.SelectionRule;
import dev.godwit.mappings.rules.TableType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectedSchemasTest {

    private static SelectionRule rule(SelectionAction action, String schema, String table) {
        return new SelectionRule(new RuleRef(0, "1", 1), action, NamePattern.of(schema), NamePattern.of(table),
                TableType.TABLE, OptionalLong.empty(), List.of());
    }

    @Test
    void aRuleForEveryTableOfMatchingSchemasNamesThemEvenEmpty() {
        Predicate<String> selected = SelectedSchemas.of(List.of(rule(SelectionAction.INCLUDE, "app%", "%")));
        assertTrue(selected.test("app_hidden"));
        assertFalse(selected.test("public"));
    }

    @Test
    void aRuleForSomeTablesNamesNoSchemaOfItsOwn() {
        Predicate<String> selected = SelectedSchemas.of(List.of(rule(SelectionAction.INCLUDE, "%", "orders")));
        assertFalse(selected.test("public"));
    }

    @Test
    void anExcludeRuleForEveryTableOfASchemaTakesItOut() {
        Predicate<String> selected = SelectedSchemas.of(List.of(rule(SelectionAction.INCLUDE, "%", "%"),
                rule(SelectionAction.EXCLUDE, "audit", "%")));
        assertTrue(selected.test("app_hidden"));
        assertFalse(selected.test("audit"));
    }
}

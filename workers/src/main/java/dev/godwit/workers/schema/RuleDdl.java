package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Rule;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rewrite rules on the relations of the selected schemas, from {@code pg_get_ruledef}, with their enabled
 * state and comments, after the views (a rule may read or be on one) and the data (a rule on INSERT would rewrite
 * the copy's rows). A rule on a relation the mappings rename or leave out, or one that reads such a relation, is
 * named as not created.
 */
final class RuleDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;

    RuleDdl(SourceCatalog catalog, ObjectScope scope) {
        this.catalog = catalog;
        this.scope = scope;
    }

    @Override
    public void write(ScriptBuilder script) {
        List<Statement> out = new ArrayList<>();
        for (Rule r : catalog.objects().rules()) {
            Optional<Table> relation = catalog.tableByOid(r.relationOid());
            if (relation.isEmpty() || !scope.covers(relation.get().schema())) {
                continue;
            }
            String on = SqlText.qualified(relation.get().schema(), relation.get().name());
            String object = "rule " + r.name() + " on " + relation.get().schema() + "." + relation.get().name();
            Optional<String> problem = scope.relationProblem(r.relationOid());
            if (problem.isPresent()) {
                script.notCreated(object, problem.get());
                continue;
            }
            out.add(new Statement(object, orReplace(r.definition())));
            TriggerDdl.enabling(r.enabled()).ifPresent(e -> out.add(new Statement(object + " " + e,
                    "ALTER TABLE " + on + " " + e + " RULE " + SqlText.identifier(r.name()))));
            r.comment().ifPresent(c -> out.add(new Statement("comment on " + object, "COMMENT ON RULE "
                    + SqlText.identifier(r.name()) + " ON " + on + " IS " + SqlText.literal(c))));
        }
        script.group("rules", SchemaScript.TRIGGER_PHASE, out);
    }

    /** {@code CREATE RULE …} as {@code CREATE OR REPLACE RULE …}, so that a second run does not fail on it. */
    static String orReplace(String ruledef) {
        return ruledef.startsWith("CREATE RULE ") ? "CREATE OR REPLACE RULE " + ruledef.substring(12) : ruledef;
    }
}

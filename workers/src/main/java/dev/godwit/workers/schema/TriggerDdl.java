package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.Trigger;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The triggers and constraint triggers on the relations of the selected schemas, from {@code pg_get_triggerdef},
 * with their enabled state (DISABLE, ENABLE REPLICA, ENABLE ALWAYS) and comments. They go to a phase after the
 * foreign keys and views, so that none fires during the copy and an INSTEAD OF trigger finds its view. A trigger on
 * a relation the mappings rename or leave out, or whose function is not created, is named as not created.
 */
final class TriggerDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final RoutineDdl routines;

    TriggerDdl(SourceCatalog catalog, ObjectScope scope, RoutineDdl routines) {
        this.catalog = catalog;
        this.scope = scope;
        this.routines = routines;
    }

    @Override
    public void write(ScriptBuilder script) {
        List<Statement> out = new ArrayList<>();
        for (Trigger t : catalog.objects().triggers()) {
            Optional<Table> relation = catalog.tableByOid(t.relationOid());
            if (relation.isEmpty() || !scope.covers(relation.get().schema())) {
                continue;
            }
            String on = SqlText.qualified(relation.get().schema(), relation.get().name());
            String object = (t.constraint() ? "constraint trigger " : "trigger ") + t.name() + " on "
                    + relation.get().schema() + "." + relation.get().name();
            Optional<String> problem = scope.relationProblem(t.relationOid());
            if (problem.isEmpty() && routines.knows(t.functionOid()) && !routines.creates(t.functionOid())) {
                problem = Optional.of("its function is not created (see that function)");
            }
            if (problem.isPresent()) {
                script.notCreated(object, problem.get());
                continue;
            }
            out.add(new Statement(object, t.definition()));
            enabling(t.enabled()).ifPresent(e -> out.add(new Statement(object + " " + e, "ALTER TABLE " + on + " "
                    + e + " TRIGGER " + SqlText.identifier(t.name()))));
            t.comment().ifPresent(c -> out.add(new Statement("comment on " + object, "COMMENT ON TRIGGER "
                    + SqlText.identifier(t.name()) + " ON " + on + " IS " + SqlText.literal(c))));
        }
        script.group("triggers", SchemaScript.TRIGGER_PHASE, out);
    }

    /** The ALTER TABLE words for a {@code tgenabled} or {@code ev_enabled} other than the default (origin). */
    static Optional<String> enabling(String enabled) {
        return switch (enabled) {
            case "D" -> Optional.of("DISABLE");
            case "R" -> Optional.of("ENABLE REPLICA");
            case "A" -> Optional.of("ENABLE ALWAYS");
            default -> Optional.empty();
        };
    }
}

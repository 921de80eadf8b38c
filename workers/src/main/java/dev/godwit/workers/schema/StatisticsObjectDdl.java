package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.StatisticsObject;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The extended statistics objects on the relations of the selected schemas, from {@code pg_get_statisticsobjdef},
 * with their statistics target and comment; with the views' phase done (one may be on a materialized view). They
 * name their table and columns as the source does, so one on a table the mappings rename or leave out is named as
 * not created. The target's ANALYZE fills them.
 */
final class StatisticsObjectDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;

    StatisticsObjectDdl(SourceCatalog catalog, ObjectScope scope) {
        this.catalog = catalog;
        this.scope = scope;
    }

    @Override
    public void write(ScriptBuilder script) {
        List<Statement> out = new ArrayList<>();
        for (StatisticsObject s : catalog.objects().defined().statistics()) {
            Optional<Table> relation = catalog.tableByOid(s.relationOid());
            if (relation.isEmpty() || !scope.covers(relation.get().schema())) {
                continue;
            }
            String object = "statistics object " + s.schema() + "." + s.name();
            Optional<String> problem = scope.relationProblem(s.relationOid()).or(() -> scope.schemaProblem(s.schema()));
            if (problem.isPresent()) {
                script.notCreated(object, problem.get());
                continue;
            }
            String name = SqlText.qualified(s.schema(), s.name());
            script.needSchema(s.schema());
            out.add(new Statement(object, ifNotExists(s.definition())));
            s.target().ifPresent(n -> out.add(new Statement("statistics target of " + object,
                    "ALTER STATISTICS " + name + " SET STATISTICS " + n)));
            s.comment().ifPresent(c -> out.add(new Statement("comment on " + object,
                    "COMMENT ON STATISTICS " + name + " IS " + SqlText.literal(c))));
        }
        script.group("statistics objects", SchemaScript.TRIGGER_PHASE, out);
    }

    static String ifNotExists(String definition) {
        String create = "CREATE STATISTICS ";
        return definition.startsWith(create) ? create + "IF NOT EXISTS " + definition.substring(create.length())
                : definition;
    }
}

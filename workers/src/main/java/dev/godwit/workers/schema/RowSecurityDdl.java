package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Policy;
import dev.godwit.workers.catalog.RowSecurity;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Row-level security of the tables of the selected schemas: the ENABLE and FORCE flags and every policy with its
 * comment. Switched on after the data is in, so that a policy never filters the copy (a FORCEd one would, even for
 * the owner). The roles a policy names must exist on the target. A policy on a table the mappings rename or leave
 * out is named as not created.
 */
final class RowSecurityDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;

    RowSecurityDdl(SourceCatalog catalog, ObjectScope scope) {
        this.catalog = catalog;
        this.scope = scope;
    }

    @Override
    public void write(ScriptBuilder script) {
        List<Statement> out = new ArrayList<>();
        for (RowSecurity rs : catalog.objects().rowSecurity()) {
            Optional<String> table = table(rs.relationOid(), "row-level security", script);
            if (table.isEmpty()) {
                continue;
            }
            if (rs.enabled()) {
                out.add(new Statement("row-level security on " + table.get(), "ALTER TABLE " + table.get()
                        + " ENABLE ROW LEVEL SECURITY"));
            }
            if (rs.forced()) {
                out.add(new Statement("forced row-level security on " + table.get(), "ALTER TABLE " + table.get()
                        + " FORCE ROW LEVEL SECURITY"));
            }
        }
        for (Policy p : catalog.objects().policies()) {
            Optional<String> table = table(p.relationOid(), "policy " + p.name(), script);
            if (table.isEmpty()) {
                continue;
            }
            out.add(new Statement("policy " + p.name() + " on " + table.get(), PolicyText.create(p, table.get())));
            p.comment().ifPresent(c -> out.add(new Statement("comment on policy " + p.name(), "COMMENT ON POLICY "
                    + SqlText.identifier(p.name()) + " ON " + table.get() + " IS " + SqlText.literal(c))));
        }
        script.group("row-level security", SchemaScript.TRIGGER_PHASE, out);
    }

    /** The table's name when it is created verbatim; empty (and named as not created, when in scope) otherwise. */
    private Optional<String> table(long oid, String what, ScriptBuilder script) {
        Optional<Table> t = catalog.tableByOid(oid);
        if (t.isEmpty() || !scope.covers(t.get().schema())) {
            return Optional.empty();
        }
        Optional<String> problem = scope.relationProblem(oid);
        if (problem.isPresent()) {
            script.notCreated(what + " on " + t.get().schema() + "." + t.get().name(), problem.get());
            return Optional.empty();
        }
        return Optional.of(SqlText.qualified(t.get().schema(), t.get().name()));
    }
}

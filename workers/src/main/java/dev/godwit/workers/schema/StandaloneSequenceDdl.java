package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Sequence;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.ScriptBuilder.PreData;
import dev.godwit.workers.schema.SchemaScript.Statement;

/**
 * The sequences of the selected schemas that no selected column's DEFAULT uses and no column owns: counters an
 * application calls {@code nextval} on itself, or from a function. They are created with their source options
 * (their position is set from the source at the end of the load, with every other sequence), in their schema, which
 * the script creates if no table is in it.
 */
final class StandaloneSequenceDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;
    private final SequenceDdl columnSequences;
    private final TargetNames names;

    StandaloneSequenceDdl(SourceCatalog catalog, ObjectScope scope, SequenceDdl columnSequences, TargetNames names) {
        this.catalog = catalog;
        this.scope = scope;
        this.columnSequences = columnSequences;
        this.names = names;
    }

    @Override
    public void write(ScriptBuilder script) {
        for (Sequence s : catalog.sequences()) {
            if (s.identity() || s.ownedBy().isPresent() || !scope.covers(s.schema())) {
                continue;
            }
            String schema = names.schema(s.schema());
            String name = SqlText.qualified(schema, s.name());
            if (columnSequences.created(name)) {
                continue;
            }
            script.needSchema(schema);
            script.add(PreData.SEQUENCES, new Statement("sequence " + name, "CREATE SEQUENCE IF NOT EXISTS " + name
                    + " AS " + s.dataType() + " " + SequenceDdl.options(s)));
            s.comment().ifPresent(c -> script.add(PreData.SEQUENCES, new Statement("comment on sequence " + name,
                    "COMMENT ON SEQUENCE " + name + " IS " + SqlText.literal(c))));
        }
    }
}

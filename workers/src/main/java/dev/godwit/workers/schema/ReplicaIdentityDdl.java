package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.ReplicaIdentity;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.Optional;

/**
 * The REPLICA IDENTITY of a table or kept partition as on the source. It comes last in its table's group because
 * USING INDEX needs the index built; on a partition, whose indexes are copies of the root's under names PostgreSQL
 * chooses, USING INDEX is left to the user with a warning.
 */
final class ReplicaIdentityDdl {
    private ReplicaIdentityDdl() {
    }

    static Optional<Statement> statement(Table source, String name, boolean partition, ScriptBuilder script) {
        ReplicaIdentity ri = source.kind() == TableKind.TABLE || source.kind() == TableKind.PARTITIONED
                ? source.replicaIdentity() : ReplicaIdentity.DEFAULT;
        return switch (ri) {
            case DEFAULT -> Optional.empty();
            case FULL, NOTHING -> Optional.of(new Statement("replica identity of " + name,
                    "ALTER TABLE " + name + " REPLICA IDENTITY " + ri.name()));
            case INDEX -> {
                if (partition || source.replicaIdentityIndex().isEmpty()) {
                    script.warn(name + ": REPLICA IDENTITY USING INDEX left out; set it by hand");
                    yield Optional.empty();
                }
                yield Optional.of(new Statement("replica identity of " + name, "ALTER TABLE " + name
                        + " REPLICA IDENTITY USING INDEX " + SqlText.identifier(source.replicaIdentityIndex().get())));
            }
        };
    }
}

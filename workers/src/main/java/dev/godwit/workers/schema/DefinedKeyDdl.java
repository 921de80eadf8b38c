package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.PrimaryKeyDefinition;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The primary key a define-primary-key rule gives a table in place of the source's: a unique index when the rule
 * asks for one, else a primary key, built as its own index and then attached as the source's keys are, except on a
 * partitioned table, where PostgreSQL does not allow ADD CONSTRAINT … USING INDEX.
 */
final class DefinedKeyDdl {
    private DefinedKeyDdl() {
    }

    static List<Statement> statements(TargetTableSpec spec, PrimaryKeyDefinition key, ScriptBuilder script) {
        RepartitionedKeys.fits(spec, key.columns(), true, script);
        String name = TargetNames.table(spec);
        String cols = key.columns().stream().map(SqlText::identifier).collect(Collectors.joining(", "));
        String keyName = key.name() == null || key.name().isBlank() ? spec.mapping().targetName() + "_pkey"
                : key.name();
        String index = SqlText.qualified(spec.mapping().targetSchema(), keyName);
        if (key.origin() == PrimaryKeyDefinition.Origin.UNIQUE_INDEX) {
            return List.of(new Statement("unique index " + keyName, "CREATE UNIQUE INDEX "
                    + SqlText.identifier(keyName) + " ON " + name + " (" + cols + ")"));
        }
        if (spec.partitionedOnTarget()) {
            return List.of(new Statement("primary key " + name, "ALTER TABLE " + name + " ADD CONSTRAINT "
                    + SqlText.identifier(keyName) + " PRIMARY KEY (" + cols + ")"));
        }
        return List.of(new Statement("primary key index " + index, "CREATE UNIQUE INDEX "
                        + SqlText.identifier(keyName) + " ON " + name + " (" + cols + ")"),
                new Statement("primary key " + name, "ALTER TABLE " + name + " ADD CONSTRAINT "
                        + SqlText.identifier(keyName) + " PRIMARY KEY USING INDEX " + SqlText.identifier(keyName)));
    }
}

package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Constraint;
import dev.godwit.workers.catalog.ConstraintType;
import dev.godwit.workers.catalog.Index;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One constraint of the source on its target table: a primary key or unique constraint (its index created first
 * from the index's own definition, then attached, where the table allows it), a check or an exclusion constraint; a
 * foreign key is handed to {@link ForeignKeyDdl}, whose phase comes later. A constraint on a removed column, or one
 * the repartitioned target cannot have, is left out with a warning rather than failing the post-data.
 */
final class ConstraintDdl {
    private final TargetNames names;
    private final IndexDdl indexes;
    private final ForeignKeyDdl foreignKeys;

    /**
     * @param relation    where the constraint goes: the spec's table or one of its kept partitions
     * @param name        that relation's target name
     * @param partitioned whether that relation is partitioned on the target (no ADD CONSTRAINT … USING INDEX)
     */
    record Owner(TargetTableSpec spec, Table relation, String name, boolean partitioned) {
    }

    /**
     * @param statements  for the table's group
     * @param claimsIndex whether an index of the constraint's name is dealt with (created for the constraint or left
     *                    out with it), so that it is not created again as a plain index
     */
    record Result(List<Statement> statements, boolean claimsIndex) {
        Result {
            statements = List.copyOf(statements);
        }
    }

    private static final Result NOTHING = new Result(List.of(), false);

    ConstraintDdl(TargetNames names, IndexDdl indexes, ForeignKeyDdl foreignKeys) {
        this.names = names;
        this.indexes = indexes;
        this.foreignKeys = foreignKeys;
    }

    Result write(Owner owner, Constraint c, ScriptBuilder script) {
        Map<String, String> columns = names.columns(owner.spec());
        List<String> removed = c.columns().stream().filter(col -> columns.containsKey(col)
                && columns.get(col) == null).toList();
        if (!removed.isEmpty()) {
            script.warn(owner.name() + ": constraint " + c.name() + " left out, it uses removed column(s) "
                    + removed);
            return new Result(List.of(), true);
        }
        return switch (c.type()) {
            case PRIMARY_KEY, UNIQUE -> key(owner, c, columns, script);
            case CHECK, EXCLUSION -> check(owner, c, columns, script);
            case FOREIGN_KEY -> {
                foreignKeys.write(c, owner.name(), columns, script);
                yield NOTHING;
            }
        };
    }

    private Result key(Owner owner, Constraint c, Map<String, String> columns, ScriptBuilder script) {
        String name = owner.name();
        boolean primary = c.type() == ConstraintType.PRIMARY_KEY;
        List<String> targetColumns = c.columns().stream().map(columns::get).toList();
        if (!RepartitionedKeys.fits(owner.spec(), targetColumns, primary, script)) {
            return NOTHING;
        }
        String kind = primary ? "PRIMARY KEY" : "UNIQUE";
        String add = "ALTER TABLE " + name + " ADD CONSTRAINT " + SqlText.identifier(c.name()) + " ";
        Statement constraint;
        Optional<Index> backing = owner.relation().indexes().stream()
                .filter(i -> i.constraintName().equals(Optional.of(c.name()))).findFirst();
        if (owner.partitioned() || backing.isEmpty()) {
            constraint = new Statement(kind.toLowerCase() + " " + c.name() + " on " + name,
                    add + names.rewrite(c.definition(), columns).text());
            return new Result(List.of(constraint), true);
        }
        String deferrable = c.deferrable() ? (c.initiallyDeferred() ? " DEFERRABLE INITIALLY DEFERRED"
                : " DEFERRABLE") : "";
        Statement index = new Statement("index " + c.name() + " on " + name,
                indexes.sql(backing.get(), name, columns).text());
        constraint = new Statement(kind.toLowerCase() + " " + c.name() + " on " + name,
                add + kind + " USING INDEX " + SqlText.identifier(backing.get().name()) + deferrable);
        return new Result(List.of(index, constraint), true);
    }

    private Result check(Owner owner, Constraint c, Map<String, String> columns, ScriptBuilder script) {
        String name = owner.name();
        SqlRewriter.Result def = names.rewrite(c.definition(), columns);
        if (!def.removedColumns().isEmpty()) {
            script.warn(name + ": constraint " + c.name() + " left out, it uses removed column(s) "
                    + def.removedColumns());
            return NOTHING;
        }
        if (c.type() == ConstraintType.EXCLUSION
                && owner.spec().mapping().partitionRule() instanceof PartitionRule.Repartition) {
            script.warn(name + ": exclusion constraint " + c.name() + " left out on the repartitioned table");
            return NOTHING;
        }
        return new Result(List.of(new Statement(c.type().name().toLowerCase() + " " + c.name() + " on " + name,
                "ALTER TABLE " + name + " ADD CONSTRAINT " + SqlText.identifier(c.name()) + " " + def.text())),
                false);
    }
}

package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.PrimaryKeyDefinition;
import dev.godwit.workers.catalog.Constraint;
import dev.godwit.workers.catalog.ConstraintType;
import dev.godwit.workers.catalog.Index;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The post-data of each target table, built after the copy so that the load does not maintain them row by row:
 * one group per table of its key, constraints, indexes and replica identity, and of those of its kept partitions.
 * The groups of different tables are independent and may run in parallel; each group runs in order, since a
 * constraint may need an index of the group.
 */
final class TableKeysDdl implements DdlPart.PerTable {
    private final TargetNames names;
    private final ConstraintDdl constraints;
    private final IndexDdl indexes;

    TableKeysDdl(TargetNames names, ConstraintDdl constraints, IndexDdl indexes) {
        this.names = names;
        this.constraints = constraints;
        this.indexes = indexes;
    }

    @Override
    public void write(TargetTableSpec spec, ScriptBuilder script) {
        Table source = spec.source();
        String name = TargetNames.table(spec);
        List<Statement> out = new ArrayList<>();
        /* names of the indexes a key or constraint has dealt with */
        Set<String> claimed = new LinkedHashSet<>();
        Optional<PrimaryKeyDefinition> defined = spec.mapping().definedPrimaryKey();
        if (defined.isPresent()) {
            out.addAll(DefinedKeyDdl.statements(spec, defined.get(), script));
            source.constraints().stream().filter(c -> c.type() == ConstraintType.PRIMARY_KEY && !c.inherited())
                    .findFirst().ifPresent(pk -> claimed.add(pk.name()));
        }
        ConstraintDdl.Owner owner = new ConstraintDdl.Owner(spec, source, name, spec.partitionedOnTarget());
        for (Constraint c : source.constraints()) {
            if (!c.inherited() && !(c.type() == ConstraintType.PRIMARY_KEY && defined.isPresent())) {
                add(owner, c, out, claimed, script);
            }
        }
        for (Index index : source.indexes()) {
            if (index.constraintName().isEmpty() && !index.inheritedFromParent() && !claimed.contains(index.name())) {
                indexes.statement(spec, index, name, script).ifPresent(out::add);
            }
        }
        if (spec.keepsPartitions()) {
            for (Table p : spec.partitions()) {
                names.relation(p.oid()).ifPresent(pName -> partition(spec, p, pName, out, claimed, script));
            }
        } else if (source.kind() == TableKind.PARTITIONED) {
            spec.partitions().stream().filter(p -> p.indexes().stream()
                            .anyMatch(i -> !i.inheritedFromParent() && i.constraintName().isEmpty()))
                    .forEach(p -> script.warn(name + ": the partition-local indexes of " + p.qualifiedName()
                            + " are left out"));
        }
        ReplicaIdentityDdl.statement(source, name, false, script).ifPresent(out::add);
        script.group(name, SchemaScript.TABLE_PHASE, out);
    }

    /** The constraints and indexes a kept partition has of its own (not from its parent), in its table's group. */
    private void partition(TargetTableSpec spec, Table p, String pName, List<Statement> out, Set<String> claimed,
                           ScriptBuilder script) {
        ConstraintDdl.Owner owner = new ConstraintDdl.Owner(spec, p, pName, p.kind() == TableKind.PARTITIONED);
        for (Constraint c : p.constraints()) {
            if (!c.inherited()) {
                add(owner, c, out, claimed, script);
            }
        }
        for (Index index : p.indexes()) {
            if (index.constraintName().isEmpty() && !index.inheritedFromParent()) {
                indexes.statement(spec, index, pName, script).ifPresent(out::add);
            }
        }
        ReplicaIdentityDdl.statement(p, pName, true, script).ifPresent(out::add);
    }

    private void add(ConstraintDdl.Owner owner, Constraint c, List<Statement> out, Set<String> claimed,
                     ScriptBuilder script) {
        ConstraintDdl.Result result = constraints.write(owner, c, script);
        out.addAll(result.statements());
        if (result.claimsIndex()) {
            claimed.add(c.name());
        }
    }
}

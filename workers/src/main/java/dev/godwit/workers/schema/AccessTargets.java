package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.ObjectAcl;
import dev.godwit.workers.catalog.Routine;
import dev.godwit.workers.catalog.Sequence;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.catalog.UserType;
import dev.godwit.workers.catalog.UserTypeKind;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which source objects with an owner and privileges the script creates, and under what target name: a selected
 * table or kept partition under its mapped name (so grants follow a rename), a created view, sequence, routine or
 * type, and the schemas the script creates that a selected schema maps to. The {@code public} schema is left out:
 * the target's exists before godwit runs, and its owner and privileges are the target version's own (15 took
 * CREATE from PUBLIC), not the application's.
 */
final class AccessTargets {
    private final SourceCatalog catalog;
    private final List<TargetTableSpec> specs;
    private final TargetNames names;
    private final ObjectScope scope;
    private final SequenceDdl sequences;
    private final RoutineDdl routines;
    private final TypeDdl types;

    AccessTargets(SourceCatalog catalog, List<TargetTableSpec> specs, TargetNames names, ObjectScope scope,
                  SequenceDdl sequences, RoutineDdl routines, TypeDdl types) {
        this.catalog = catalog;
        this.specs = specs;
        this.names = names;
        this.scope = scope;
        this.sequences = sequences;
        this.routines = routines;
        this.types = types;
    }

    /** Where the object lands; empty when the script does not create it. Ask once every other part has written. */
    Optional<AccessTarget> of(ObjectAcl acl, ScriptBuilder script) {
        return switch (acl.kind()) {
            case SCHEMA -> schema(acl.schema(), script).map(s -> new AccessTarget("SCHEMA " + SqlText.identifier(s),
                    Optional.of("ALTER SCHEMA " + SqlText.identifier(s)), Optional.empty(), s));
            case RELATION -> relation(acl.oid()).map(r -> new AccessTarget("TABLE " + r.name(),
                    Optional.of("ALTER " + r.keyword() + " " + r.name()), Optional.empty(), r.schema()));
            case COLUMN -> relation(acl.oid()).flatMap(r -> column(acl.oid(), acl.column().orElseThrow())
                    .map(c -> new AccessTarget("TABLE " + r.name(), Optional.empty(), Optional.of(c), r.schema())));
            case SEQUENCE -> catalog.sequence(acl.schema(), acl.name()).flatMap(this::sequence);
            case ROUTINE -> catalog.objects().routines().stream().filter(r -> r.oid() == acl.oid())
                    .filter(r -> routines.creates(r.oid())).findFirst().map(AccessTargets::routine);
            case TYPE -> catalog.types().stream().filter(t -> t.oid() == acl.oid()).filter(this::createsType)
                    .findFirst().map(this::type);
        };
    }

    /** The target schema a selected source schema's privileges go to, when the script creates it. */
    Optional<String> schema(String source, ScriptBuilder script) {
        String target = names.schema(source);
        if (!scope.covers(source) || source.equals("public") || target.equals("public")) {
            return Optional.empty();
        }
        return created(script).contains(target) ? Optional.of(target) : Optional.empty();
    }

    /** The schemas {@link SchemaDdl} creates: the tables', the partitions', the types' and the other parts'. */
    private Set<String> created(ScriptBuilder script) {
        Set<String> out = new LinkedHashSet<>();
        for (TargetTableSpec spec : specs) {
            out.add(spec.mapping().targetSchema());
            spec.partitions().forEach(p -> out.add(names.partitionSchema(spec, p)));
        }
        out.addAll(types.schemasUsed());
        out.addAll(script.schemasNeeded());
        return out;
    }

    private record Relation(String name, String keyword, String schema) {
    }

    private Optional<Relation> relation(long oid) {
        Optional<String> table = names.relation(oid);
        if (table.isPresent()) {
            return Optional.of(new Relation(table.get(), "TABLE", targetSchema(oid)));
        }
        return catalog.tableByOid(oid).filter(scope::createsView).map(v -> new Relation(
                SqlText.qualified(v.schema(), v.name()),
                v.kind() == TableKind.MATERIALIZED_VIEW ? "MATERIALIZED VIEW" : "VIEW", v.schema()));
    }

    /** The target schema of a selected table (its mapping's) or kept partition (placed with its parent's rules). */
    private String targetSchema(long oid) {
        for (TargetTableSpec spec : specs) {
            if (spec.source().oid() == oid) {
                return spec.mapping().targetSchema();
            }
            for (Table p : spec.partitions()) {
                if (p.oid() == oid) {
                    return names.partitionSchema(spec, p);
                }
            }
        }
        throw new IllegalStateException("relation " + oid + " has a target name but no target table");
    }

    /** A selected table's column under its target name (empty when the mappings remove it); a view's as it is. */
    private Optional<String> column(long oid, String source) {
        if (names.relation(oid).isEmpty()) {
            return Optional.of(source);
        }
        return Optional.ofNullable(names.columns(oid).get(source));
    }

    private Optional<AccessTarget> sequence(Sequence s) {
        Optional<Table> ownerTable = s.ownedBy().flatMap(o -> catalog.table(o.schema(), o.table()));
        boolean ownerSelected = ownerTable.map(t -> names.relation(t.oid()).isPresent()).orElse(false);
        String name;
        String schema;
        if (s.identity()) {
            Optional<TargetTableSpec> spec = ownerTable.flatMap(t -> specs.stream()
                    .filter(x -> x.source().oid() == t.oid()).findFirst());
            if (spec.isEmpty()) {
                return Optional.empty();
            }
            schema = spec.get().mapping().targetSchema();
            name = SqlText.qualified(schema, s.name());
        } else {
            schema = names.schema(s.schema());
            name = SqlText.qualified(schema, s.name());
            boolean standalone = s.ownedBy().isEmpty() && scope.covers(s.schema());
            if (!sequences.created(name) && !standalone) {
                return Optional.empty();
            }
        }
        // a sequence linked to a column takes its table's owner, and ALTER SEQUENCE … OWNER TO refuses to change it
        Optional<String> alter = ownerSelected ? Optional.empty() : Optional.of("ALTER SEQUENCE " + name);
        return Optional.of(new AccessTarget("SEQUENCE " + name, alter, Optional.empty(), schema));
    }

    private static AccessTarget routine(Routine r) {
        String signature = SqlText.qualified(r.schema(), r.name()) + "(" + r.identityArguments() + ")";
        boolean procedure = r.kind() == Routine.Kind.PROCEDURE;
        String alter = r.kind() == Routine.Kind.AGGREGATE ? "ALTER AGGREGATE " + AggregateText.signature(r)
                : "ALTER " + (procedure ? "PROCEDURE " : "FUNCTION ") + signature;
        return new AccessTarget((procedure ? "PROCEDURE " : "FUNCTION ") + signature, Optional.of(alter),
                Optional.empty(), r.schema());
    }

    private boolean createsType(UserType t) {
        return !t.fromExtension() && t.kind() != UserTypeKind.BASE && types.creates(t.oid());
    }

    private AccessTarget type(UserType t) {
        String schema = names.schema(t.schema());
        String name = SqlText.qualified(schema, t.name());
        String keyword = t.kind() == UserTypeKind.DOMAIN ? "DOMAIN " : "TYPE ";
        return new AccessTarget(keyword + name, Optional.of("ALTER " + keyword + name), Optional.empty(), schema);
    }
}

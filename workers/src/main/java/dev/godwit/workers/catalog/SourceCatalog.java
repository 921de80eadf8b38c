package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What godwit knows of the source database: relations ordered by schema then name, the sequences, the user types
 * the relations need, and the installed extensions; and the other objects of the user schemas ({@link SchemaObjects}).
 *
 * @param serverVersionNum {@code server_version_num}, e.g. 170002
 * @param problems         what the reading role could not see, object by object
 */
public record SourceCatalog(int serverVersionNum, String serverVersion, String databaseEncoding, List<Table> tables,
                            List<Sequence> sequences, List<UserType> types, List<Extension> extensions,
                            List<CatalogProblem> problems, SchemaObjects objects) {

    /** A catalog of tables, sequences and types alone, with no other objects (built by hand in unit tests). */
    public SourceCatalog(int serverVersionNum, String serverVersion, String databaseEncoding, List<Table> tables,
                         List<Sequence> sequences, List<UserType> types, List<Extension> extensions,
                         List<CatalogProblem> problems) {
        this(serverVersionNum, serverVersion, databaseEncoding, tables, sequences, types, extensions, problems,
                SchemaObjects.none());
    }

    public SourceCatalog {
        tables = List.copyOf(tables);
        sequences = List.copyOf(sequences);
        types = List.copyOf(types);
        extensions = List.copyOf(extensions);
        problems = List.copyOf(problems);
    }

    public int majorVersion() {
        return serverVersionNum / 10000;
    }

    public Optional<Table> table(String schema, String name) {
        return tables.stream().filter(t -> t.schema().equals(schema) && t.name().equals(name)).findFirst();
    }

    public Optional<Table> tableByOid(long oid) {
        return tables.stream().filter(t -> t.oid() == oid).findFirst();
    }

    /** The partitions of a partitioned table, or the inheritance children of a parent, by schema then name. */
    public List<Table> children(Table parent) {
        return tables.stream()
                .filter(t -> t.partitionParentOid().orElse(0) == parent.oid()
                        || t.inheritanceParentOids().contains(parent.oid()))
                .toList();
    }

    /** The schemas holding relations, sequences or user types (not extensions' own schemas), sorted. */
    public SortedSet<String> schemas() {
        SortedSet<String> out = new TreeSet<>();
        tables.forEach(t -> out.add(t.schema()));
        sequences.forEach(s -> out.add(s.schema()));
        types.stream().filter(t -> !t.fromExtension()).forEach(t -> out.add(t.schema()));
        return out;
    }

    public Optional<Sequence> sequence(String schema, String name) {
        return sequences.stream().filter(s -> s.schema().equals(schema) && s.name().equals(name)).findFirst();
    }

    public Optional<UserType> type(String schema, String name) {
        return types.stream().filter(t -> t.schema().equals(schema) && t.name().equals(name)).findFirst();
    }

    public Optional<Extension> extension(String name) {
        return extensions.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}

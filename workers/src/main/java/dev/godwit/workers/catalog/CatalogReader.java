package dev.godwit.workers.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what godwit needs of a source database to plan a migration and recreate its schema: relations with their
 * columns, keys, indexes, constraints and partitioning, the sequences, the user types, the extensions, and the
 * objects around the tables (routines, views, triggers, rules, policies). Works on PostgreSQL 12 to 17 with any
 * role that can connect: the system catalogs are readable by all,
 * and what needs a privilege (a sequence's current value) is read only where the role has it, the rest recorded as
 * {@link CatalogProblem}s.
 *
 * <p>On a connection in autocommit mode, the read runs in one read-only REPEATABLE READ transaction so that every
 * query sees the same catalog; a connection already in a transaction (for instance one that imported the copy's
 * snapshot) is used as it is.
 */
public final class CatalogReader {
    /** {@code attgenerated} (stored generated columns) is the newest catalog column every query relies on. */
    private static final int OLDEST_SUPPORTED = 120000;

    private final Connection connection;

    public CatalogReader(Connection connection) {
        this.connection = connection;
    }

    public SourceCatalog read() throws SQLException {
        return read(false);
    }

    /**
     * The relations alone, with their columns, keys, indexes, constraints and partitioning, and no sequences, types,
     * extensions or other objects: what finding a table and its key needs, read in a fraction of the time a whole
     * catalog takes when the database also holds many routines, views and grants.
     */
    public SourceCatalog readRelations() throws SQLException {
        return read(true);
    }

    private SourceCatalog read(boolean relationsOnly) throws SQLException {
        if (!connection.getAutoCommit()) {
            return readInTransaction(relationsOnly);
        }
        int isolation = connection.getTransactionIsolation();
        boolean readOnly = connection.isReadOnly();
        connection.setAutoCommit(false);
        try {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            SourceCatalog catalog = readInTransaction(relationsOnly);
            connection.commit();
            return catalog;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
            connection.setTransactionIsolation(isolation);
            connection.setReadOnly(readOnly);
        }
    }

    private SourceCatalog readInTransaction(boolean relationsOnly) throws SQLException {
        Query query = new Query(connection);
        // an empty search_path (as pg_dump sets it) makes format_type, pg_get_indexdef, pg_get_constraintdef,
        // pg_get_expr and pg_get_viewdef qualify every name outside pg_catalog, so their texts mean the same on the
        // target whatever its search_path; set for this transaction only, and put back for a caller's transaction
        String searchPath = query.list("search-path-clear", r -> r.getString("previous")).get(0);
        String jit = query.list("jit-off", r -> r.getString("previous")).get(0);
        SourceCatalog catalog = readUnqualified(query, relationsOnly);
        // not in a finally: after an error the transaction is aborted, and its end puts the settings back anyway
        query.list("jit-restore", jit, r -> r.getString(1));
        query.list("search-path-restore", searchPath, r -> r.getString(1));
        return catalog;
    }

    private SourceCatalog readUnqualified(Query query, boolean relationsOnly) throws SQLException {
        Server server = query.list("server", r -> new Server(r.getInt("version_num"), r.getString("version"),
                r.getString("encoding"))).get(0);
        if (server.versionNum() < OLDEST_SUPPORTED) {
            throw new SQLException("godwit reads PostgreSQL 12 and later; this source runs " + server.version(),
                    "0A000");
        }
        List<Table> tables = new RelationReader(query, server.versionNum()).read();
        if (relationsOnly) {
            return new SourceCatalog(server.versionNum(), server.version(), server.encoding(), tables, List.of(),
                    List.of(), List.of(), problems(tables, List.of()));
        }
        List<UserType> types = new TypeReader(query).read(tables.stream().map(Table::oid).toList());
        List<Sequence> sequences = new SequenceReader(query).read();
        List<Extension> extensions = query.list("extensions",
                r -> new Extension(r.getString("name"), r.getString("version"), r.getString("schema")));
        SchemaObjects objects = new ObjectReader(query).read();
        return new SourceCatalog(server.versionNum(), server.version(), server.encoding(), tables, sequences, types,
                extensions, problems(tables, sequences), objects);
    }

    private record Server(int versionNum, String version, String encoding) {
    }

    /** What the role could not read, for the preflight to report; the read itself went on without it. */
    private static List<CatalogProblem> problems(List<Table> tables, List<Sequence> sequences) {
        List<CatalogProblem> problems = new ArrayList<>();
        for (Table t : tables) {
            if (!t.selectable()) {
                problems.add(new CatalogProblem(t.qualifiedName(), "no SELECT privilege on the "
                        + t.kind().name().toLowerCase().replace('_', ' ') + " or no USAGE on its schema"));
            }
        }
        for (Sequence s : sequences) {
            if (!s.readable()) {
                problems.add(new CatalogProblem(s.qualifiedName(),
                        "no SELECT or USAGE privilege on the sequence: its current value is unknown"));
            }
        }
        return problems;
    }
}

package dev.godwit.workers.schema;

import java.util.List;
import java.util.stream.Stream;

/**
 * The DDL of a target schema.
 *
 * @param preData  run in order before the data is copied: schemas, extensions, types, sequences, tables
 * @param postData run after the data: groups of the same {@link Group#phase()} are independent of each other and may
 *                 run in parallel; a phase starts when every group of the previous phase is done
 * @param warnings everything the script leaves out or degrades, one sentence each
 */
public record SchemaScript(List<Statement> preData, List<Group> postData, List<String> warnings) {

    public SchemaScript {
        preData = List.copyOf(preData);
        postData = List.copyOf(postData);
        warnings = List.copyOf(warnings);
    }

    /** Keys, unique and plain indexes, checks, exclusion constraints and replica identity of one table. */
    public static final int TABLE_PHASE = 1;
    /** Foreign keys: they need the referenced tables' keys. */
    public static final int FOREIGN_KEY_PHASE = 2;

    /** One SQL statement and a short description for logs. */
    public record Statement(String description, String sql) {
        @Override
        public String toString() {
            return description + ": " + sql;
        }
    }

    /** Statements that run in order on one connection. */
    public record Group(String name, int phase, List<Statement> statements) {
        public Group {
            statements = List.copyOf(statements);
        }
    }

    /** Every post-data statement, phase by phase, group by group: the order one connection can run them in. */
    public List<Statement> postDataInOrder() {
        return Stream.of(TABLE_PHASE, FOREIGN_KEY_PHASE)
                .flatMap(p -> postData.stream().filter(g -> g.phase() == p))
                .flatMap(g -> g.statements().stream())
                .toList();
    }
}

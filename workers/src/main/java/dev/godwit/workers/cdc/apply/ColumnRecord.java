package dev.godwit.workers.cdc.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The task's record of the source attnum each target table's columns follow ({@link SourceColumns#recorded}), read
 * once per table by an applier and written through its session, in its transaction: a column DDL followed and its
 * record commit together with the changes around them, or not at all.
 */
final class ColumnRecord {
    private final Connection conn;
    private final SourceColumns sources;
    private final StatementPipeline pipeline;
    private final Map<String, Map<Integer, String>> byTable = new HashMap<>();

    ColumnRecord(Connection conn, SourceColumns sources, StatementPipeline pipeline) {
        this.conn = conn;
        this.sources = sources;
        this.pipeline = pipeline;
    }

    /** attnum → the source name {@code target} follows it by; empty when nothing is recorded for the table. */
    Map<Integer, String> of(ApplyTarget target) throws SQLException {
        return Collections.unmodifiableMap(table(target));
    }

    void added(ApplyTarget target, int attnum, String name) throws SQLException {
        pipeline.flush();
        sources.added(conn, target.targetKey(), attnum, name);
        table(target).put(attnum, name);
    }

    void dropped(ApplyTarget target, int attnum) throws SQLException {
        pipeline.flush();
        sources.dropped(conn, target.targetKey(), attnum);
        table(target).remove(attnum);
    }

    void renamed(ApplyTarget target, ColumnRenames.Rename rename) throws SQLException {
        pipeline.flush();
        sources.renamed(conn, target.targetKey(), rename.attnum(), rename.from(), rename.to());
        table(target).put(rename.attnum(), rename.to());
    }

    /** The attnum recorded for {@code name}, or null. */
    static Integer attnumOf(Map<Integer, String> record, String name) {
        return record.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    private Map<Integer, String> table(ApplyTarget target) throws SQLException {
        Map<Integer, String> known = byTable.get(target.targetKey());
        if (known == null) {
            pipeline.flush();
            known = new HashMap<>(sources.recorded(conn, target.targetKey()));
            byTable.put(target.targetKey(), known);
        }
        return known;
    }
}

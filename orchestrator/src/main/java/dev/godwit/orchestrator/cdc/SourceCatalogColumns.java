package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.state.ControlSourceColumns;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.cdc.apply.SourceColumns;
import dev.godwit.workers.pg.PgConnector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A column as the source's catalog has it now: its attnum, the value its table's rows had when it was added
 * ({@code attmissingval}, kept by PostgreSQL 11 and later for a non-volatile default), its default and NOT NULL; and
 * the task's record of the attnums its target tables follow ({@link ControlSourceColumns}). The catalog is asked only
 * when a source table changes shape during CDC.
 */
final class SourceCatalogColumns implements SourceColumns {
    private final PgConnector source;
    private final ControlSourceColumns record;
    private final TaskStore events;

    SourceCatalogColumns(PgConnector source, ControlSourceColumns record, TaskStore events) {
        this.source = source;
        this.record = record;
        this.events = events;
    }

    @Override
    public Optional<Column> column(String schema, String table, String column) throws SQLException {
        try (Connection s = source.open("new column");
             PreparedStatement ps = s.prepareStatement("""
                     SELECT a.attnum, CASE WHEN a.atthasmissing THEN (a.attmissingval::text::text[])[1] END,
                            pg_get_expr(d.adbin, d.adrelid), a.attnotnull, a.atthasdef AND NOT a.atthasmissing
                       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE a.attrelid = ?::regclass AND a.attname = ? AND NOT a.attisdropped""")) {
            ps.setString(1, SqlText.qualified(schema, table));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Column(rs.getInt(1), Optional.ofNullable(rs.getString(2)),
                        Optional.ofNullable(rs.getString(3)), rs.getBoolean(4), rs.getBoolean(5)));
            }
        }
    }

    @Override
    public Map<String, Integer> attnums(String schema, String table) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Connection s = source.open("column attnums");
             PreparedStatement ps = s.prepareStatement("SELECT a.attname, a.attnum FROM pg_attribute a"
                     + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, SqlText.qualified(schema, table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    @Override
    public Map<Integer, String> recorded(Connection target, String tableKey) throws SQLException {
        return record.recorded(target, tableKey);
    }

    @Override
    public void added(Connection target, String tableKey, int attnum, String name) throws SQLException {
        record.put(target, tableKey, attnum, name);
    }

    @Override
    public void dropped(Connection target, String tableKey, int attnum) throws SQLException {
        record.remove(target, tableKey, attnum);
    }

    @Override
    public void renamed(Connection target, String tableKey, int attnum, String from, String to) throws SQLException {
        record.put(target, tableKey, attnum, to);
        events.event(target, "INFO", "cdc", "column " + from + " renamed to " + to + " on the source (attnum " + attnum
                + "): followed on " + tableKey);
    }
}

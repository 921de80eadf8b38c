package dev.godwit.orchestrator.cdc;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.apply.SourceColumns;
import dev.godwit.workers.pg.PgConnector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A column as the source's catalog has it now: the value its table's rows had when it was added
 * ({@code attmissingval}, kept by PostgreSQL 11 and later for a non-volatile default), its default and NOT NULL.
 * Asked only when a source table gains a column during CDC.
 */
final class SourceCatalogColumns implements SourceColumns {
    private final PgConnector source;

    SourceCatalogColumns(PgConnector source) {
        this.source = source;
    }

    @Override
    public Optional<Column> column(String schema, String table, String column) throws SQLException {
        try (Connection s = source.open("new column");
             PreparedStatement ps = s.prepareStatement("""
                     SELECT CASE WHEN a.atthasmissing THEN (a.attmissingval::text::text[])[1] END,
                            pg_get_expr(d.adbin, d.adrelid), a.attnotnull, a.atthasdef AND NOT a.atthasmissing
                       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE a.attrelid = ?::regclass AND a.attname = ? AND NOT a.attisdropped""")) {
            ps.setString(1, SqlText.qualified(schema, table));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Column(Optional.ofNullable(rs.getString(1)), Optional.ofNullable(rs.getString(2)),
                        rs.getBoolean(3), rs.getBoolean(4)));
            }
        }
    }
}

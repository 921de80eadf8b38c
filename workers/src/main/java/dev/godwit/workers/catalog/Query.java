package dev.godwit.workers.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Runs a {@link SqlResource} on a connection and maps its rows; nullable columns come back as Optionals. */
final class Query {
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final Connection connection;

    Query(Connection connection) {
        this.connection = connection;
    }

    /** Runs a query without parameters. */
    <T> List<T> list(String resource, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SqlResource.of(resource).sql())) {
            return collect(ps, mapper);
        }
    }

    /** Runs a query whose one parameter is an array of oids ({@code ?::int8[]::oid[]}). */
    <T> List<T> list(String resource, Collection<Long> oids, RowMapper<T> mapper) throws SQLException {
        if (oids.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = connection.prepareStatement(SqlResource.of(resource).sql())) {
            Array array = connection.createArrayOf("int8", oids.toArray(new Long[0]));
            ps.setArray(1, array);
            return collect(ps, mapper);
        }
    }

    /** Runs a query whose one parameter is a text. */
    <T> List<T> list(String resource, String parameter, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SqlResource.of(resource).sql())) {
            ps.setString(1, parameter);
            return collect(ps, mapper);
        }
    }

    private static <T> List<T> collect(PreparedStatement ps, RowMapper<T> mapper) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
        }
        return out;
    }

    static Optional<String> string(ResultSet row, String column) throws SQLException {
        return Optional.ofNullable(row.getString(column));
    }

    /** An {@code int8[]} column (oids, say). */
    static List<Long> longs(ResultSet row, String column) throws SQLException {
        return List.of((Long[]) row.getArray(column).getArray());
    }

    static OptionalLong optionalLong(ResultSet row, String column) throws SQLException {
        long v = row.getLong(column);
        return row.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
    }

    static List<String> strings(ResultSet row, String column) throws SQLException {
        Array array = row.getArray(column);
        if (array == null) {
            return List.of();
        }
        return List.of((String[]) array.getArray());
    }
}

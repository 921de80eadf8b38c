package dev.godwit.orchestrator.load;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.workers.catalog.Column;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The large objects that the selected tables' large-object columns ({@code oid}, {@code lo}) name. Their data lives
 * in {@code pg_largeobject}, which neither COPY of a table nor logical decoding carries: they are copied, with the
 * same OIDs, at the end of the full load and reconciled at cutover, where a large object that is missing on the
 * target or whose content differs is copied again. Data moves in chunks of 1 MB, so a large object of any size
 * costs no more memory than that.
 */
public final class LargeObjects {
    private static final int CHUNK = 1 << 20;

    /** What a sync did. */
    public record Result(int copied, int unchanged, int dangling) {
        public String line() {
            return String.format(Locale.ROOT, "large objects: %,d copied, %,d already equal%s", copied, unchanged,
                    dangling == 0 ? "" : String.format(Locale.ROOT, "; %,d OID value(s) name no large object on the "
                            + "source (left as they are)", dangling));
        }
    }

    /**
     * Copies the large objects the selected rows name that the target lacks or holds with another content, in the
     * transactions the caller holds open on both sides.
     *
     * @return empty when no selected table has a large-object column
     */
    public Optional<Result> sync(Connection source, Connection target, SchemaPlan planned) throws SQLException {
        Optional<String> referenced = referencedOids(planned);
        if (referenced.isEmpty()) {
            return Optional.empty();
        }
        List<Long> existing = new ArrayList<>();
        int dangling = 0;
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT r.o, m.oid IS NOT NULL FROM ("
                + referenced.get() + ") r LEFT JOIN pg_largeobject_metadata m ON m.oid = r.o ORDER BY r.o")) {
            while (rs.next()) {
                if (rs.getBoolean(2)) {
                    existing.add(rs.getLong(1));
                } else {
                    dangling++;
                }
            }
        }
        Set<Long> onTarget = new HashSet<>();
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT oid FROM pg_largeobject_metadata")) {
            while (rs.next()) {
                onTarget.add(rs.getLong(1));
            }
        }
        int copied = 0;
        int unchanged = 0;
        for (long oid : existing) {
            if (onTarget.contains(oid)) {
                if (digest(source, oid).equals(digest(target, oid))) {
                    unchanged++;
                    continue;
                }
                execute(target, "SELECT lo_unlink(?::oid)", oid);
            }
            copy(source, target, oid);
            copied++;
        }
        return Optional.of(new Result(copied, unchanged, dangling));
    }

    /** The distinct OIDs the selected large-object columns hold, as one query; empty when there is no such column. */
    static Optional<String> referencedOids(SchemaPlan planned) {
        List<String> selects = new ArrayList<>();
        for (PlannedTable t : planned.plan().tables()) {
            String relation = SqlText.qualified(t.source().schema(), t.source().name());
            for (Column c : t.source().columns()) {
                if (c.largeObject()) {
                    String column = SqlText.identifier(c.name());
                    selects.add("SELECT " + column + "::oid AS o FROM " + relation + " WHERE " + column + " IS NOT NULL");
                }
            }
        }
        return selects.isEmpty() ? Optional.empty() : Optional.of(String.join(" UNION ", selects));
    }

    private static void copy(Connection source, Connection target, long oid) throws SQLException {
        execute(target, "SELECT lo_create(?::oid)", oid);
        try (PreparedStatement read = source.prepareStatement("SELECT lo_get(?::oid, ?, ?)");
             PreparedStatement write = target.prepareStatement("SELECT lo_put(?::oid, ?, ?)")) {
            for (long offset = 0; ; offset += CHUNK) {
                read.setLong(1, oid);
                read.setLong(2, offset);
                read.setInt(3, CHUNK);
                byte[] chunk;
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    chunk = rs.getBytes(1);
                }
                if (chunk == null || chunk.length == 0) {
                    return;
                }
                write.setLong(1, oid);
                write.setLong(2, offset);
                write.setBytes(3, chunk);
                write.execute();
                if (chunk.length < CHUNK) {
                    return;
                }
            }
        }
    }

    private static String digest(Connection c, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT md5(lo_get(?::oid))")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void execute(Connection c, String sql, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, oid);
            ps.execute();
        }
    }
}

package dev.godwit.workers.copy;

import dev.godwit.mappings.rules.ParallelLoad;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Table;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Splits a relation into copy units. A relation at or below the split threshold is one unit. A bigger one is split
 * into about {@code size / threshold} ranges: heap block (ctid) ranges on PostgreSQL 14+, whose TID range scans read
 * only their blocks; key ranges on older servers when the primary key is one integer column; otherwise one unit, with
 * a note saying why. DMS {@code parallel-load ranges} always win, plus a unit for NULL keys.
 *
 * <p>The last range is always open-ended, so rows in blocks or keys beyond what the plan saw (the table grew before
 * the snapshot) are still copied.
 */
public final class CopyUnitPlanner {
    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

    private final Connection source;
    private final int serverMajor;
    private final long splitThresholdBytes;
    private final long blockSize;
    private final int minimumPieces;

    /**
     * @param minimumPieces a table above the threshold is split into at least this many ranges (the number of copy
     *                      workers), so that its ranges keep every worker busy instead of one range finishing last
     */
    public CopyUnitPlanner(Connection source, int serverMajor, long splitThresholdBytes, int minimumPieces) throws SQLException {
        this.source = source;
        this.serverMajor = serverMajor;
        this.splitThresholdBytes = Math.max(1, splitThresholdBytes);
        this.minimumPieces = Math.max(1, minimumPieces);
        try (var s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('block_size')::bigint")) {
            rs.next();
            this.blockSize = rs.getLong(1);
        }
    }

    /** The units of one relation, and a note when a relation that should have been split could not be. */
    public Split split(Table table, ParallelLoad parallelLoad) throws SQLException {
        String base = table.schema() + "." + table.name();
        if (parallelLoad instanceof ParallelLoad.Ranges ranges) {
            List<String> predicates = ranges.segmentPredicates();
            List<CopyUnit> units = new ArrayList<>();
            for (int i = 0; i < predicates.size(); i++) {
                units.add(new CopyUnit(base + "#" + (i + 1), table.schema(), table.name(), CopyUnit.Kind.DMS_RANGE,
                        Optional.of(predicates.get(i)), table.sizeBytes() / predicates.size()));
            }
            return new Split(units, Optional.empty());
        }
        if (table.sizeBytes() <= splitThresholdBytes) {
            return whole(table, Optional.empty());
        }
        int pieces = (int) Math.min(1024, Math.max(minimumPieces, (table.sizeBytes() + splitThresholdBytes - 1) / splitThresholdBytes));
        if (pieces <= 1) {
            return whole(table, Optional.empty());
        }
        if (serverMajor >= 14) {
            return new Split(ctidRanges(table, base, pieces), Optional.empty());
        }
        Optional<Column> key = integerKey(table);
        if (key.isEmpty()) {
            return whole(table, Optional.of(base + " (" + table.sizeBytes() / (1024 * 1024) + " MB) is copied as one unit:"
                    + " PostgreSQL " + serverMajor + " has no TID range scans and the table has no single-column integer"
                    + " primary key to split by; give it a DMS parallel-load 'ranges' table setting to split it"));
        }
        return new Split(keyRanges(table, base, key.get(), pieces), Optional.empty());
    }

    private static Split whole(Table table, Optional<String> note) {
        return new Split(List.of(new CopyUnit(table.schema() + "." + table.name(), table.schema(), table.name(),
                CopyUnit.Kind.WHOLE, Optional.empty(), table.sizeBytes())), note);
    }

    private List<CopyUnit> ctidRanges(Table table, String base, int pieces) {
        long blocks = Math.max(1, table.sizeBytes() / blockSize);
        long step = Math.max(1, (blocks + pieces - 1) / pieces);
        List<CopyUnit> units = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            long from = i * step;
            long to = (i + 1) * step;
            String lower = "ctid >= '(" + from + ",0)'::tid";
            String upper = "ctid < '(" + to + ",0)'::tid";
            String predicate = i == 0 ? upper : i == pieces - 1 ? lower : lower + " AND " + upper;
            units.add(new CopyUnit(base + "#" + (i + 1), table.schema(), table.name(), CopyUnit.Kind.CTID_RANGE,
                    Optional.of(predicate), table.sizeBytes() / pieces));
        }
        return units;
    }

    private List<CopyUnit> keyRanges(Table table, String base, Column key, int pieces) throws SQLException {
        String column = SqlText.identifier(key.name());
        BigInteger min;
        BigInteger max;
        try (PreparedStatement ps = source.prepareStatement("SELECT min(" + column + ")::numeric, max(" + column
                + ")::numeric FROM ONLY " + SqlText.qualified(table.schema(), table.name()));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            BigDecimal lo = rs.getBigDecimal(1);
            BigDecimal hi = rs.getBigDecimal(2);
            if (lo == null) {
                return whole(table, Optional.empty()).units();
            }
            min = lo.toBigInteger();
            max = hi.toBigInteger();
        }
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        BigInteger step = span.add(BigInteger.valueOf(pieces - 1)).divide(BigInteger.valueOf(pieces)).max(BigInteger.ONE);
        List<CopyUnit> units = new ArrayList<>();
        int n = 0;
        for (BigInteger from = min; from.compareTo(max) <= 0 && n < pieces; from = from.add(step), n++) {
            BigInteger to = from.add(step);
            boolean first = n == 0;
            boolean last = to.compareTo(max) > 0 || n == pieces - 1;
            String predicate = first && last ? column + " IS NOT NULL"
                    : first ? column + " < " + to
                    : last ? column + " >= " + from
                    : column + " >= " + from + " AND " + column + " < " + to;
            units.add(new CopyUnit(base + "#" + (n + 1), table.schema(), table.name(), CopyUnit.Kind.KEY_RANGE,
                    Optional.of(predicate), table.sizeBytes() / pieces));
            if (last) {
                break;
            }
        }
        return units;
    }

    private static Optional<Column> integerKey(Table table) {
        return table.primaryKey()
                .filter(pk -> pk.columns().size() == 1)
                .flatMap(pk -> table.column(pk.columns().get(0)))
                .filter(c -> INTEGER_TYPES.contains(c.type()));
    }

    /** The units of one relation, and why it was not split when it should have been. */
    public record Split(List<CopyUnit> units, Optional<String> note) {
    }
}

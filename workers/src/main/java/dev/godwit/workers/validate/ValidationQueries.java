package dev.godwit.workers.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL that validation runs: chunk boundaries on the source, and per chunk a row count and, for content, an
 * order-free hash on each side. The hash of a chunk is the sum, as numeric (no overflow), of the first 64 bits of the
 * md5 of each row's text, where a row is {@code ROW(columns in target order)}: the sum does not depend on the order
 * the rows are read in, and together with the count it changes when any value of any row changes. Row text is exact
 * on both sides because every godwit session forces the same datestyle, intervalstyle, float digits and time zone.
 */
public final class ValidationQueries {
    private ValidationQueries() {
    }

    /** The hash of one row whose values are the given SQL expressions, as a bigint. */
    static String rowHash(List<String> expressions) {
        return "('x' || left(md5(ROW(" + String.join(", ", expressions) + ")::text), 16))::bit(64)::bigint";
    }

    /**
     * Every {@code size}-th key on the source, in key order, starting with the first key of the second chunk; each
     * is the inclusive lower bound of a chunk. Reads the key of every row once.
     */
    public static String boundaries(ValidatedTable table, ChunkKey key, int size) {
        String order = key.collatable() ? "k COLLATE \"C\"" : "k";
        List<String> reads = new ArrayList<>();
        for (String relation : table.sourceRelations()) {
            List<String> where = new ArrayList<>();
            where.add(key.sourceExpression() + " IS NOT NULL");
            table.sourceFilter().ifPresent(f -> where.add("(" + f + ")"));
            reads.add("SELECT " + key.sourceExpression() + " AS k FROM ONLY " + relation + " WHERE " + String.join(" AND ", where));
        }
        return "SELECT b FROM (SELECT k::text AS b, row_number() OVER (ORDER BY " + order + ") AS n FROM ("
                + String.join(" UNION ALL ", reads) + ") u) x WHERE n > 1 AND (n - 1) % " + size + " = 0 ORDER BY n";
    }

    /** Count (and with content the hash, as text) of one chunk on the source: {@code SELECT count, hash}. */
    public static String sourceChunk(ValidatedTable table, Chunk chunk, boolean content) {
        Optional<String> range = table.key().map(k -> chunk.predicate(k.sourceExpression(), k.collatable()));
        List<String> reads = new ArrayList<>();
        for (String relation : table.sourceRelations()) {
            List<String> where = new ArrayList<>();
            range.ifPresent(where::add);
            table.sourceFilter().ifPresent(f -> where.add("(" + f + ")"));
            reads.add("SELECT " + (content ? rowHash(table.sourceExpressions()) + " AS h" : "1 AS h")
                    + " FROM ONLY " + relation + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)));
        }
        return "SELECT count(*), " + (content ? "sum(h)::text" : "NULL::text") + " FROM ("
                + String.join(" UNION ALL ", reads) + ") r";
    }

    /** Count (and with content the hash) of one chunk on the target. */
    public static String targetChunk(ValidatedTable table, Chunk chunk, boolean content) {
        Optional<String> range = table.key().map(k -> chunk.predicate(k.targetColumn(), k.collatable()));
        return "SELECT count(*), " + (content ? "sum(" + rowHash(table.targetColumns()) + ")::text" : "NULL::text")
                + " FROM " + (table.targetWithDescendants() ? "" : "ONLY ") + table.targetRelation()
                + range.map(r -> " WHERE " + r).orElse("");
    }
}

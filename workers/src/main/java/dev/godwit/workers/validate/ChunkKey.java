package dev.godwit.workers.validate;

/**
 * The column a table is cut into chunks by: the first column of its primary (or unique) key, which keeps its type
 * on the target, so a boundary's text means the same value on both sides.
 *
 * @param sourceExpression the quoted source column
 * @param targetColumn     the quoted target column it is mapped to
 * @param displayName      the target column's name, for messages
 * @param collatable       a string type: ordered and compared with {@code COLLATE "C"} on both sides, so that the two
 *                         servers' collations (which may differ) cannot put a row into different chunks
 * @param nullable         whether the column may hold NULL (a unique key): those rows get a chunk of their own
 */
public record ChunkKey(String sourceExpression, String targetColumn, String displayName, boolean collatable,
                       boolean nullable) {
}

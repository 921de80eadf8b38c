package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.task.ApplyConflicts;
import java.util.Optional;

/**
 * How the applier behaves.
 *
 * @param conflicts                what to do when a change does not fit the target's rows
 * @param allowAdditiveDdl         a column added on the source is added to the target ({@code ALTER TABLE … ADD
 *                                 COLUMN}) instead of stopping with a {@link SchemaDriftException}
 * @param typeResolver             the target type for a new source column when additive DDL is allowed; when it
 *                                 answers empty, a {@code Type} message's name is used, else {@code format_type()}
 *                                 on the target (right for built-in types, whose OIDs are fixed)
 * @param batchSize                consecutive inserts into one table with the same columns are sent in JDBC batches
 *                                 of at most this many rows; 1 disables batching
 * @param maxTransactionsPerCommit how many source transactions may share one target transaction; the checkpoint
 *                                 then holds the end LSN of the last of them. The caller must call
 *                                 {@link ChangeApplier#commitPending()} when the stream goes idle
 */
public record ApplyOptions(ApplyConflicts conflicts, boolean allowAdditiveDdl, TypeResolver typeResolver,
                           int batchSize, int maxTransactionsPerCommit) {

    /** The target type (SQL text) of a source column, from its type OID and modifier. */
    @FunctionalInterface
    public interface TypeResolver {
        Optional<String> targetType(long typeOid, int typeModifier);
    }

    public static final int DEFAULT_BATCH_SIZE = 1000;

    public ApplyOptions {
        if (conflicts == null || typeResolver == null) {
            throw new IllegalArgumentException("conflicts and typeResolver are required");
        }
        if (batchSize < 1 || maxTransactionsPerCommit < 1) {
            throw new IllegalArgumentException("batchSize and maxTransactionsPerCommit must be at least 1");
        }
    }

    /** Strict conflicts, no DDL, batches of 1000, one source transaction per target transaction. */
    public static ApplyOptions defaults() {
        return new ApplyOptions(ApplyConflicts.strict(), false, (oid, typmod) -> Optional.empty(),
                DEFAULT_BATCH_SIZE, 1);
    }

    public ApplyOptions withConflicts(ApplyConflicts value) {
        return new ApplyOptions(value, allowAdditiveDdl, typeResolver, batchSize, maxTransactionsPerCommit);
    }

    public ApplyOptions withAdditiveDdl(boolean value) {
        return new ApplyOptions(conflicts, value, typeResolver, batchSize, maxTransactionsPerCommit);
    }

    public ApplyOptions withBatchSize(int value) {
        return new ApplyOptions(conflicts, allowAdditiveDdl, typeResolver, value, maxTransactionsPerCommit);
    }

    public ApplyOptions withMaxTransactionsPerCommit(int value) {
        return new ApplyOptions(conflicts, allowAdditiveDdl, typeResolver, batchSize, value);
    }
}

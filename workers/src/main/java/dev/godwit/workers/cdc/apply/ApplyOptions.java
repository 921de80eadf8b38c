package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.task.ApplyConflicts;
import dev.godwit.mappings.task.ErrorPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How the applier behaves.
 *
 * @param conflicts                what to do when a change does not fit the target's rows
 * @param allowAdditiveDdl         a column added on the source is added to the target ({@code ALTER TABLE … ADD
 *                                 COLUMN}) instead of stopping with a {@link SchemaDriftException}
 * @param typeResolver             the target type for a new source column when additive DDL is allowed; when it
 *                                 answers empty, a {@code Type} message's name is used, else {@code format_type()}
 *                                 on the target (right for built-in types, whose OIDs are fixed)
 * @param batchSize                how many changes may wait, bound to their statements, before they are sent to the
 *                                 target (the pipeline's bound; see {@link StatementPipeline}); 1 sends each at once
 * @param maxTransactionsPerCommit how many source transactions may share one target transaction; the checkpoint
 *                                 then holds the end LSN of the last of them. The caller must call
 *                                 {@link ChangeApplier#commitPending()} when the stream goes idle
 * @param maxGroupDuration         a group of source transactions is committed at the first source commit after it
 *                                 has been open this long, whatever its size: the bound on the added apply lag under a
 *                                 steady load that never lets the stream go idle
 * @param errorPolicy              {@link ErrorPolicy#STOP}: a change that fails stops the applier;
 *                                 {@link ErrorPolicy#LOG_AND_CONTINUE}: it is recorded through the applier's
 *                                 {@link ApplyExceptionLog} and skipped (each change then runs in a savepoint)
 * @param groupClock               nanoseconds, for {@code maxGroupDuration} only ({@code System::nanoTime}); a test
 *                                 that must not depend on the machine's speed passes a clock it moves itself
 */
public record ApplyOptions(ApplyConflicts conflicts, boolean allowAdditiveDdl, TypeResolver typeResolver,
                           int batchSize, int maxTransactionsPerCommit, Duration maxGroupDuration,
                           ErrorPolicy errorPolicy, LongSupplier groupClock) {

    /** The target type (SQL text) of a source column, from its type OID and modifier. */
    @FunctionalInterface
    public interface TypeResolver {
        Optional<String> targetType(long typeOid, int typeModifier);
    }

    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final int DEFAULT_TRANSACTIONS_PER_COMMIT = 1000;
    public static final Duration DEFAULT_GROUP_DURATION = Duration.ofMillis(50);

    public ApplyOptions {
        if (conflicts == null || typeResolver == null || maxGroupDuration == null || errorPolicy == null
                || groupClock == null) {
            throw new IllegalArgumentException(
                    "conflicts, typeResolver, maxGroupDuration, errorPolicy and groupClock are required");
        }
        if (batchSize < 1 || maxTransactionsPerCommit < 1) {
            throw new IllegalArgumentException("batchSize and maxTransactionsPerCommit must be at least 1");
        }
    }

    /**
     * Strict conflicts, no DDL, stop on errors, pipelines of 1000 changes, up to 1000 source transactions (or 50 ms
     * of them) per target transaction.
     */
    public static ApplyOptions defaults() {
        return new ApplyOptions(ApplyConflicts.strict(), false, (oid, typmod) -> Optional.empty(),
                DEFAULT_BATCH_SIZE, DEFAULT_TRANSACTIONS_PER_COMMIT, DEFAULT_GROUP_DURATION, ErrorPolicy.STOP,
                System::nanoTime);
    }

    public ApplyOptions withConflicts(ApplyConflicts value) {
        return new ApplyOptions(value, allowAdditiveDdl, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, groupClock);
    }

    public ApplyOptions withAdditiveDdl(boolean value) {
        return new ApplyOptions(conflicts, value, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, groupClock);
    }

    public ApplyOptions withBatchSize(int value) {
        return new ApplyOptions(conflicts, allowAdditiveDdl, typeResolver, value, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, groupClock);
    }

    public ApplyOptions withMaxTransactionsPerCommit(int value) {
        return new ApplyOptions(conflicts, allowAdditiveDdl, typeResolver, batchSize, value, maxGroupDuration,
                errorPolicy, groupClock);
    }

    public ApplyOptions withMaxGroupDuration(Duration value) {
        return new ApplyOptions(conflicts, allowAdditiveDdl, typeResolver, batchSize, maxTransactionsPerCommit,
                value, errorPolicy, groupClock);
    }

    public ApplyOptions withErrorPolicy(ErrorPolicy value) {
        return new ApplyOptions(conflicts, allowAdditiveDdl, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, value, groupClock);
    }

    public ApplyOptions withGroupClock(LongSupplier value) {
        return new ApplyOptions(conflicts, allowAdditiveDdl, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, value);
    }
}

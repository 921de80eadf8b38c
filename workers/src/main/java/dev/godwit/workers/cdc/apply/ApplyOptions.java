package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.task.ApplyConflicts;
import dev.godwit.mappings.task.DdlPolicy;
import dev.godwit.mappings.task.ErrorPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How the applier behaves.
 *
 * @param conflicts                what to do when a change does not fit the target's rows
 * @param ddl                      what a source table changing shape does on the target ({@link SchemaDrift}); a
 *                                 kind that stops ends the applier with a {@link SchemaDriftException}
 * @param sourceColumns            how a column looks in the source's catalog now (for the value a column added on
 *                                 the source gave the rows it had, its default, and its attnum) and the task's record
 *                                 of the attnum each target column follows (to tell a rename from a drop and an add)
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
 * @param groupClock               nanoseconds, for {@code maxGroupDuration} and the commit time told to the
 *                                 observer ({@code System::nanoTime}); a test that must not depend on the machine's
 *                                 speed passes a clock it moves itself
 * @param observer                 told of each target commit (metrics); {@link ApplyObserver#none()} by default
 */
public record ApplyOptions(ApplyConflicts conflicts, DdlPolicy ddl, SourceColumns sourceColumns, TypeResolver typeResolver,
                           int batchSize, int maxTransactionsPerCommit, Duration maxGroupDuration,
                           ErrorPolicy errorPolicy, LongSupplier groupClock, ApplyObserver observer) {

    /** The target type (SQL text) of a source column, from its type OID and modifier. */
    @FunctionalInterface
    public interface TypeResolver {
        Optional<String> targetType(long typeOid, int typeModifier);
    }

    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final int DEFAULT_TRANSACTIONS_PER_COMMIT = 1000;
    public static final Duration DEFAULT_GROUP_DURATION = Duration.ofMillis(50);

    public ApplyOptions {
        if (conflicts == null || ddl == null || sourceColumns == null || typeResolver == null
                || maxGroupDuration == null || errorPolicy == null || groupClock == null || observer == null) {
            throw new IllegalArgumentException("conflicts, ddl, sourceColumns, typeResolver, maxGroupDuration,"
                    + " errorPolicy, groupClock and observer are required");
        }
        if (batchSize < 1 || maxTransactionsPerCommit < 1) {
            throw new IllegalArgumentException("batchSize and maxTransactionsPerCommit must be at least 1");
        }
    }

    /**
     * Strict conflicts, DDL as {@link DdlPolicy#defaults()} but no DDL at all (additive included) unless enabled, stop on
     * errors, pipelines of 1000 changes, up to 1000 source transactions (or 50 ms
     * of them) per target transaction.
     */
    public static ApplyOptions defaults() {
        return new ApplyOptions(ApplyConflicts.strict(), DdlPolicy.defaults().withAddColumn(DdlPolicy.Action.STOP),
                SourceColumns.none(), (oid, typmod) -> Optional.empty(),
                DEFAULT_BATCH_SIZE, DEFAULT_TRANSACTIONS_PER_COMMIT, DEFAULT_GROUP_DURATION, ErrorPolicy.STOP,
                System::nanoTime, ApplyObserver.none());
    }

    public ApplyOptions withConflicts(ApplyConflicts value) {
        return new ApplyOptions(value, ddl, sourceColumns, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, groupClock, observer);
    }

    /** Columns added on the source are added to the target, or stop the applier. */
    public ApplyOptions withAdditiveDdl(boolean value) {
        return withDdl(ddl.withAddColumn(value ? DdlPolicy.Action.APPLY : DdlPolicy.Action.STOP));
    }

    public ApplyOptions withDdl(DdlPolicy value) {
        return new ApplyOptions(conflicts, value, sourceColumns, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, groupClock, observer);
    }

    public ApplyOptions withSourceColumns(SourceColumns value) {
        return new ApplyOptions(conflicts, ddl, value, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, groupClock, observer);
    }

    public ApplyOptions withBatchSize(int value) {
        return new ApplyOptions(conflicts, ddl, sourceColumns, typeResolver, value, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, groupClock, observer);
    }

    public ApplyOptions withMaxTransactionsPerCommit(int value) {
        return new ApplyOptions(conflicts, ddl, sourceColumns, typeResolver, batchSize, value, maxGroupDuration,
                errorPolicy, groupClock, observer);
    }

    public ApplyOptions withMaxGroupDuration(Duration value) {
        return new ApplyOptions(conflicts, ddl, sourceColumns, typeResolver, batchSize, maxTransactionsPerCommit,
                value, errorPolicy, groupClock, observer);
    }

    public ApplyOptions withErrorPolicy(ErrorPolicy value) {
        return new ApplyOptions(conflicts, ddl, sourceColumns, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, value, groupClock, observer);
    }

    public ApplyOptions withGroupClock(LongSupplier value) {
        return new ApplyOptions(conflicts, ddl, sourceColumns, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, value, observer);
    }

    public ApplyOptions withObserver(ApplyObserver value) {
        return new ApplyOptions(conflicts, ddl, sourceColumns, typeResolver, batchSize, maxTransactionsPerCommit,
                maxGroupDuration, errorPolicy, groupClock, value);
    }
}

package dev.godwit.mappings.task;

import java.time.Duration;
import java.util.Optional;

/**
 * Change data capture settings.
 *
 * @param startPosition     LSN text ({@code 0/16B3748}) to start from on an existing slot; only for type {@code cdc}
 * @param heartbeatInterval how often godwit reports progress to the source and advances an idle slot
 * @param ddl               what is done when a source table changes shape ({@code cdc.ddl}; DMS's
 *                          {@code HandleSourceTableAltered} and godwit's {@code allowAdditiveDdl} set its
 *                          {@code addColumn})
 * @param stopAt            where CDC stops by itself, every transaction committed up to it applied
 * @param applyParallelism  target connections that apply independent source transactions at once
 *                          ({@code cdc.applyParallelism}, default 1: in source order on one connection)
 * @param streamInProgress  have large source transactions streamed while they run (pgoutput protocol 2,
 *                          {@code streaming 'on'}, PostgreSQL 14+) and spilled to godwit's disk until they commit
 *                          ({@code cdc.streamInProgress}, default false: each arrives whole after its commit)
 */
public record CdcSettings(Optional<String> startPosition, Duration heartbeatInterval, DdlPolicy ddl,
                          Optional<StopAt> stopAt, int applyParallelism, boolean streamInProgress) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    /** The most apply connections: beyond this the dependency bookkeeping costs more than the target gains. */
    public static final int MAX_APPLY_PARALLELISM = 16;

    public CdcSettings(Optional<String> startPosition, Duration heartbeatInterval, DdlPolicy ddl,
                       Optional<StopAt> stopAt) {
        this(startPosition, heartbeatInterval, ddl, stopAt, 1);
    }

    public CdcSettings(Optional<String> startPosition, Duration heartbeatInterval, DdlPolicy ddl,
                       Optional<StopAt> stopAt, int applyParallelism) {
        this(startPosition, heartbeatInterval, ddl, stopAt, applyParallelism, false);
    }

    public static CdcSettings defaults() {
        return new CdcSettings(Optional.empty(), DEFAULT_HEARTBEAT, DdlPolicy.defaults(), Optional.empty());
    }
}

package dev.godwit.mappings.task;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

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
 *                          ({@code cdc.applyParallelism}); empty: chosen from the task's parallelism
 */
public record CdcSettings(Optional<String> startPosition, Duration heartbeatInterval, DdlPolicy ddl,
                          Optional<StopAt> stopAt, OptionalInt applyParallelism) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    /** The most apply connections: beyond this the dependency bookkeeping costs more than the target gains. */
    public static final int MAX_APPLY_PARALLELISM = 16;

    public CdcSettings(Optional<String> startPosition, Duration heartbeatInterval, DdlPolicy ddl,
                       Optional<StopAt> stopAt) {
        this(startPosition, heartbeatInterval, ddl, stopAt, OptionalInt.empty());
    }

    public static CdcSettings defaults() {
        return new CdcSettings(Optional.empty(), DEFAULT_HEARTBEAT, DdlPolicy.defaults(), Optional.empty());
    }

    /**
     * The apply connections to use: the setting, else the task's full-load parallelism (the CPUs here when that is
     * automatic) up to 4: a target that takes that many COPY streams takes that many apply sessions.
     */
    public int applyParallelism(int taskParallelism) {
        int base = taskParallelism > 0 ? taskParallelism : Runtime.getRuntime().availableProcessors();
        return applyParallelism.orElse(Math.max(1, Math.min(4, base)));
    }
}

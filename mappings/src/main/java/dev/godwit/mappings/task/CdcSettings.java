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
 */
public record CdcSettings(Optional<String> startPosition, Duration heartbeatInterval, DdlPolicy ddl,
                          Optional<StopAt> stopAt) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

    public static CdcSettings defaults() {
        return new CdcSettings(Optional.empty(), DEFAULT_HEARTBEAT, DdlPolicy.defaults(), Optional.empty());
    }
}

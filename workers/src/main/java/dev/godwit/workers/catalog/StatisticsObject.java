package dev.godwit.workers.catalog;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * An extended statistics object.
 *
 * @param definition {@code pg_get_statisticsobjdef}: the whole CREATE STATISTICS
 * @param target     its statistics target when set ({@code ALTER STATISTICS … SET STATISTICS})
 */
public record StatisticsObject(String schema, String name, long relationOid, String definition, OptionalInt target,
                               Optional<String> comment) {
}

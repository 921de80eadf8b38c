package dev.godwit.workers.catalog;

import java.util.Optional;

/**
 * A user trigger or constraint trigger.
 *
 * @param definition {@code pg_get_triggerdef}: the whole CREATE [CONSTRAINT] TRIGGER, names qualified
 * @param enabled    {@code tgenabled}: {@code O} origin (the default), {@code D} disabled, {@code R} replica,
 *                   {@code A} always
 * @param functionOid the trigger function: it must exist before the trigger
 */
public record Trigger(long relationOid, String name, String definition, String enabled, boolean constraint,
                      long functionOid, Optional<String> comment) {
}

package dev.godwit.mappings.task;

import java.time.Duration;
import java.util.Optional;

/**
 * How {@code godwit cutover} ends a migration.
 *
 * @param maxLag          the cutover refuses to begin while the target is further behind than this
 * @param catchUpTimeout  how long the final catch-up may take before the cutover gives up (and undoes its fence)
 * @param keepReplication keep the slot and publication on the source after the cutover (for a fallback)
 * @param fenceSql        statements run on the source instead of the built-in fence (read-only database and ending the
 *                        sessions that write)
 * @param unfenceSql      statements that undo {@code fenceSql} when a cutover fails after fencing
 * @param validate        compare row counts of every table after the final catch-up
 * @param notAfter        how long after its scheduled time a scheduled cutover that no process could fire then
 *                        ({@code godwit cutover --at/--cron} while no process streamed the task) may still fire; past
 *                        it the late firing is refused. Empty: it fires however late, as soon as a process streams.
 * @param withFallback    at the cutover, start change data capture from the target back to the source, so that
 *                        {@code godwit fallback} can switch back (the same as {@code godwit cutover --with-fallback})
 */
public record CutoverSettings(Duration maxLag, Duration catchUpTimeout, boolean keepReplication,
                              Optional<String> fenceSql, Optional<String> unfenceSql, boolean validate,
                              Optional<Duration> notAfter, boolean withFallback) {

    /** The shortest {@code notAfter}: a firing in a running process may itself come a few seconds late. */
    public static final Duration SHORTEST_NOT_AFTER = Duration.ofMinutes(1);

    public static CutoverSettings defaults() {
        return new CutoverSettings(Duration.ofSeconds(60), Duration.ofMinutes(10), false, Optional.empty(),
                Optional.empty(), true, Optional.empty(), false);
    }
}

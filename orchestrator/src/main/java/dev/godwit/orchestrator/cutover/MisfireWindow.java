package dev.godwit.orchestrator.cutover;

import org.quartz.CronExpression;
import org.quartz.CronTrigger;
import org.quartz.Trigger;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * How late a scheduled cutover may still fire ({@code cutover.notAfter}). Quartz fires a trigger only while a process
 * streams the task; one whose time passed meanwhile is found overdue when the next process starts the scheduler, and
 * would fire at once, however late. A cutover in a maintenance window must not begin hours after the window closed.
 */
record MisfireWindow(Duration notAfter) {

    /**
     * The time the trigger missed, when it is overdue at {@code now} and its window has ended; empty when it is not
     * overdue or may still fire. A cron schedule may still fire when any of its times lies within the window.
     */
    Optional<Instant> passed(Trigger trigger, Instant now) throws ParseException {
        Date due = trigger.getNextFireTime();
        if (due == null || !due.toInstant().plus(notAfter).isBefore(now)) {
            return Optional.empty();
        }
        if (trigger instanceof CronTrigger cron) {
            CronExpression expression = new CronExpression(cron.getCronExpression());
            expression.setTimeZone(cron.getTimeZone());
            Date latestInWindow = expression.getTimeAfter(Date.from(now.minus(notAfter)));
            if (latestInWindow != null && !latestInWindow.toInstant().isAfter(now)) {
                return Optional.empty();
            }
        }
        return Optional.of(due.toInstant());
    }
}

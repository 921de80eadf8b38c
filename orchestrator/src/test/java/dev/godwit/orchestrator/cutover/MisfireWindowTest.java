package dev.godwit.orchestrator.cutover;

import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.spi.OperableTrigger;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MisfireWindowTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private final MisfireWindow halfAnHour = new MisfireWindow(Duration.ofMinutes(30));

    private static Trigger at(Instant at) {
        OperableTrigger t = (OperableTrigger) TriggerBuilder.newTrigger().startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()).build();
        t.computeFirstFireTime(null);
        return t;
    }

    /** A cron trigger as stored after it last fired at {@code lastFired}: its next time is the one after that. */
    private static Trigger cron(String expression, Instant lastFired) {
        OperableTrigger t = (OperableTrigger) TriggerBuilder.newTrigger().startAt(Date.from(lastFired.plusSeconds(1)))
                .withSchedule(CronScheduleBuilder.cronSchedule(expression).inTimeZone(TimeZone.getTimeZone("UTC")))
                .build();
        t.computeFirstFireTime(null);
        return t;
    }

    @Test
    void aTimeNotYetDueOrMissedWithinTheWindowMayFire() throws Exception {
        assertEquals(Optional.empty(), halfAnHour.passed(at(NOW.plusSeconds(60)), NOW));
        assertEquals(Optional.empty(), halfAnHour.passed(at(NOW.minus(Duration.ofMinutes(29))), NOW));
    }

    @Test
    void aTimeMissedByMoreThanTheWindowIsRefusedNamingIt() throws Exception {
        Instant due = NOW.minus(Duration.ofMinutes(31));
        assertEquals(Optional.of(due), halfAnHour.passed(at(due), NOW));
    }

    @Test
    void aCronScheduleMayFireWhenOneOfItsLaterTimesIsWithinTheWindow() throws Exception {
        // every hour on the hour, last fired three hours ago: 08:00 is missed, 10:00 is within the window
        assertEquals(Optional.empty(), halfAnHour.passed(cron("0 0 * * * ?", NOW.minus(Duration.ofHours(3))), NOW));
        // daily at 02:00, last fired two days ago: yesterday's and today's 02:00 are both past the window
        Instant lastFired = Instant.parse("2026-12-04T02:00:00Z");
        assertEquals(Optional.of(Instant.parse("2026-12-05T02:00:00Z")),
                halfAnHour.passed(cron("0 0 2 * * ?", lastFired), NOW));
    }
}

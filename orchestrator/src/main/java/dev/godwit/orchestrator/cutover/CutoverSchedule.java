package dev.godwit.orchestrator.cutover;

import dev.godwit.mappings.task.Task;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.QuartzStore;
import dev.godwit.orchestrator.state.TaskStore;
import dev.godwit.workers.pg.PgConnector;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.CronTrigger;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;

/**
 * A task's scheduled cutover, kept by Quartz in its JDBC job store inside the control schema: it survives restarts of
 * godwit, and {@code status} shows it from any machine. Only the process that runs the task starts the scheduler (see
 * {@link #startFiring}); when the time comes, the job records a cutover request, which that process then performs
 * like one asked for by {@code godwit cutover}. If no process runs the task at that moment, the trigger misfires and
 * fires as soon as {@code godwit resume} starts the scheduler again, unless {@code cutover.notAfter} says that is too
 * late ({@link MisfireWindow}).
 */
public final class CutoverSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CutoverSchedule.class);
    static final String FENCE = "fence";

    private final Scheduler scheduler;
    private final boolean owned;
    private final JobKey job;

    private CutoverSchedule(Scheduler scheduler, boolean owned, String task) {
        this.scheduler = scheduler;
        this.owned = owned;
        this.job = JobKey.jobKey("cutover", task);
    }

    /** The schedule's store for a task, without firing anything (for the commands that change or read it). */
    public static CutoverSchedule open(String task, ControlSchema control, PgConnector target) throws SchedulerException {
        String name = schedulerName(control, task);
        Scheduler existing = SchedulerRepository.getInstance().lookup(name);
        if (existing != null && !existing.isShutdown()) {
            return new CutoverSchedule(existing, false, task);
        }
        // a schedule written by another process is picked up within the idle wait
        Properties p = QuartzStore.properties(control, target, "scheduler", name, "godwit", 1, Duration.ofSeconds(5),
                Duration.ofSeconds(5));
        return new CutoverSchedule(new StdSchedulerFactory(p).getScheduler(), true, task);
    }

    /**
     * Starts firing: when the schedule comes due, the cutover ledger gets a request (from this process only). A
     * schedule that came due while no process streamed the task fires now, unless its {@code cutover.notAfter}
     * window has passed: then it is refused first (see {@link #refuseLate}).
     */
    public static CutoverSchedule startFiring(Task task, ControlSchema control, PgConnector target)
            throws SchedulerException, SQLException {
        CutoverSchedule schedule = open(task.name(), control, target);
        CutoverLedger ledger = new CutoverLedger(control, task.name());
        Optional<Duration> notAfter = task.settings().cutover().notAfter();
        if (notAfter.isPresent()) {
            schedule.refuseLate(new MisfireWindow(notAfter.get()), Instant.now(), task, ledger,
                    new TaskStore(control, task.name()), target);
        }
        schedule.scheduler.setJobFactory((bundle, s) -> new CutoverJob(target, ledger));
        schedule.scheduler.start();
        return schedule;
    }

    /**
     * Before the scheduler starts (which would fire a missed trigger at once), refuses a scheduled time whose window
     * has passed: nothing is fenced or changed, the refusal is recorded as the last cutover and as an ERROR event. A
     * time given by {@code --at} is removed; a cron schedule stays, for its next time after now.
     */
    private void refuseLate(MisfireWindow window, Instant now, Task task, CutoverLedger ledger, TaskStore store,
                            PgConnector target) throws SchedulerException, SQLException {
        List<? extends Trigger> triggers = scheduler.getTriggersOfJob(job);
        if (triggers.isEmpty()) {
            return;
        }
        Trigger trigger = triggers.get(0);
        Optional<Instant> missed;
        try {
            missed = window.passed(trigger, now);
        } catch (java.text.ParseException e) {
            throw new SchedulerException("the stored cron expression of the cutover cannot be read", e);
        }
        if (missed.isEmpty()) {
            return;
        }
        boolean fence = scheduler.getJobDetail(job).getJobDataMap().getBooleanValue(FENCE);
        // a cron schedule goes on to its next time, if it has one; a time given by --at is spent
        Optional<Date> next = trigger instanceof CronTrigger ? Optional.ofNullable(trigger.getFireTimeAfter(Date.from(now)))
                : Optional.empty();
        String notAfter = window.notAfter().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        String message = "scheduled cutover refused: it was due at " + missed.get() + ", when no process streamed the"
                + " task's changes, and its window (cutover.notAfter " + notAfter + ") passed at "
                + missed.get().plus(window.notAfter()) + "; nothing was fenced or changed, changes keep streaming."
                + " Cut over by hand with 'godwit cutover " + task.file() + "', or schedule a new time with"
                + " 'godwit cutover " + task.file() + " --at TIME'"
                + next.map(d -> "; the cron schedule stays and fires next at " + d.toInstant()).orElse("");
        try (Connection c = target.open("scheduler")) {
            ledger.refused(c, "schedule", fence, message);
            store.event(c, "ERROR", "cutover", message);
        }
        log.error("cutover: {}", message);
        if (next.isPresent() && trigger instanceof CronTrigger cron) {
            // in the zone it was scheduled in, which need not be this host's
            cron(cron.getCronExpression(), cron.getTimeZone(), fence);
        } else {
            scheduler.deleteJob(job);
        }
    }

    /** Schedules the cutover once at {@code at}, replacing any earlier schedule. */
    public Instant at(Instant at, boolean fence) throws SchedulerException {
        Trigger trigger = TriggerBuilder.newTrigger().forJob(job).withIdentity("cutover", job.getGroup())
                .startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        return replace(trigger, fence);
    }

    /** Schedules the cutover at the next time a Quartz cron expression fires, replacing any earlier schedule. */
    public Instant cron(String expression, boolean fence) throws SchedulerException {
        return cron(expression, TimeZone.getDefault(), fence);
    }

    private Instant cron(String expression, TimeZone zone, boolean fence) throws SchedulerException {
        Trigger trigger = TriggerBuilder.newTrigger().forJob(job).withIdentity("cutover", job.getGroup())
                .withSchedule(CronScheduleBuilder.cronSchedule(expression).inTimeZone(zone)
                        .withMisfireHandlingInstructionFireAndProceed())
                .build();
        return replace(trigger, fence);
    }

    /** Why a cron expression is not valid, or empty when it is. */
    public static Optional<String> cronProblem(String expression) {
        try {
            CronExpression.validateExpression(expression);
            CronExpression parsed = new CronExpression(expression);
            if (parsed.getNextValidTimeAfter(new Date()) == null) {
                return Optional.of("it never fires again");
            }
            return Optional.empty();
        } catch (java.text.ParseException e) {
            return Optional.of(e.getMessage());
        }
    }

    private Instant replace(Trigger trigger, boolean fence) throws SchedulerException {
        JobDetail detail = JobBuilder.newJob(CutoverJob.class).withIdentity(job).usingJobData(FENCE, fence)
                .withDescription("cutover of task " + job.getGroup()).build();
        // Quartz cannot replace a trigger by one of another kind (a time by a cron expression): remove, then add
        scheduler.deleteJob(job);
        scheduler.scheduleJob(detail, java.util.Set.of(trigger), true);
        return scheduler.getTrigger(trigger.getKey()).getNextFireTime().toInstant();
    }

    /** Removes the schedule; false when there was none. */
    public boolean cancel() throws SchedulerException {
        return scheduler.deleteJob(job);
    }

    /** The scheduled cutover, when there is one. */
    public record Next(Instant at, boolean fence, Optional<String> cron) {
    }

    public Optional<Next> next() throws SchedulerException {
        List<? extends Trigger> triggers = scheduler.getTriggersOfJob(job);
        if (triggers.isEmpty() || triggers.get(0).getNextFireTime() == null) {
            return Optional.empty();
        }
        Trigger t = triggers.get(0);
        boolean fence = scheduler.getJobDetail(job).getJobDataMap().getBooleanValue(FENCE);
        Optional<String> cron = t instanceof CronTrigger c ? Optional.of(c.getCronExpression()) : Optional.empty();
        return Optional.of(new Next(t.getNextFireTime().toInstant(), fence, cron));
    }

    @Override
    public void close() throws SchedulerException {
        if (owned) {
            scheduler.shutdown(true);
        }
    }

    private static String schedulerName(ControlSchema control, String task) {
        return "godwit " + control.name() + " " + task;
    }
}

package dev.godwit.orchestrator.cutover;

import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.QuartzStore;
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

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * A task's scheduled cutover, kept by Quartz in its JDBC job store inside the control schema: it survives restarts of
 * godwit, and {@code status} shows it from any machine. Only the process that runs the task starts the scheduler (see
 * {@link #startFiring}); when the time comes, the job records a cutover request, which that process then performs
 * like one asked for by {@code godwit cutover}. If no process runs the task at that moment, the trigger misfires and
 * fires as soon as {@code godwit resume} starts the scheduler again.
 */
public final class CutoverSchedule implements AutoCloseable {
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

    /** Starts firing: when the schedule comes due, {@code ledger} gets a request (from this process only). */
    public static CutoverSchedule startFiring(String task, ControlSchema control, PgConnector target) throws SchedulerException {
        CutoverSchedule schedule = open(task, control, target);
        CutoverLedger ledger = new CutoverLedger(control, task);
        schedule.scheduler.setJobFactory((bundle, s) -> new CutoverJob(target, ledger));
        schedule.scheduler.start();
        return schedule;
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
        Trigger trigger = TriggerBuilder.newTrigger().forJob(job).withIdentity("cutover", job.getGroup())
                .withSchedule(CronScheduleBuilder.cronSchedule(expression).withMisfireHandlingInstructionFireAndProceed())
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

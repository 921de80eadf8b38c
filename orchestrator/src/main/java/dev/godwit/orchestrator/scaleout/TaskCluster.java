package dev.godwit.orchestrator.scaleout;

import dev.godwit.orchestrator.load.UnitWork;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.QuartzStore;
import dev.godwit.orchestrator.state.ValidationChunks;
import dev.godwit.workers.pg.PgConnector;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.spi.JobFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * One process's node of a task's cluster: Quartz's clustered JDBC job store in the control schema, where each unit of
 * the full load and each chunk of a spread validation is a durable job that asks for recovery. A node that stops
 * checking in is declared dead by the others, which then run its jobs again; the lease and epoch of a unit or chunk
 * make that harmless when the node was only stalled (Quartz has no fencing). This cluster is apart from the scheduled cutover's store (another scheduler name in the same tables).
 */
final class TaskCluster implements AutoCloseable {
    /** How often a node checks in; Quartz declares a node dead about 7.5 s after a missed check-in on top of this. */
    static final Duration CHECK_IN = Duration.ofSeconds(2);
    static final String UNIT = "unit";
    static final String TABLE = "table";
    static final String COPY_OUT = "copyOut";
    static final String COPY_IN = "copyIn";
    static final String RELATION = "relation";
    static final String BINARY = "binary";
    static final String SNAPSHOT = "snapshot";
    static final String RUN = "run";
    static final String ORDINAL = "ordinal";

    private final Scheduler scheduler;
    private final String group;
    private final String chunkGroup;

    private TaskCluster(Scheduler scheduler, String task) {
        this.scheduler = scheduler;
        this.group = "load " + task;
        this.chunkGroup = "validation " + task;
    }

    /**
     * Joins the task's cluster as {@code instanceId} (unique among the nodes), running up to {@code threads} units or
     * chunks at a time once {@link #start}ed.
     */
    static TaskCluster join(ControlSchema control, String task, PgConnector target, String instanceId, int threads,
                            JobFactory jobs) throws SchedulerException {
        String name = "godwit-load " + control.name() + " " + task;
        // units handed out by the coordinator are seen by an idle node within the idle wait
        Properties p = QuartzStore.properties(control, target, "load cluster", name, instanceId, Math.max(1, threads),
                Duration.ofSeconds(1), Duration.ofSeconds(60));
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(CHECK_IN.toMillis()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.setJobFactory(jobs);
        return new TaskCluster(scheduler, task);
    }

    /** Begins taking units and chunks. */
    void start() throws SchedulerException {
        scheduler.start();
    }

    /** Hands out units as jobs, biggest (first in the list) first; a unit's earlier job is replaced. */
    void schedule(List<UnitWork> units, String snapshotName) throws SchedulerException {
        List<JobSpec> specs = new ArrayList<>();
        for (UnitWork u : units) {
            JobDataMap data = new JobDataMap();
            data.put(UNIT, u.unitId());
            data.put(TABLE, u.tableKey());
            data.put(COPY_OUT, u.statements().copyOut());
            data.put(COPY_IN, u.statements().copyIn());
            data.put(RELATION, u.statements().sourceRelation());
            data.put(BINARY, Boolean.toString(u.statements().binary()));
            data.put(SNAPSHOT, snapshotName);
            specs.add(new JobSpec(u.unitId(), "unit " + u.unitId(), data));
        }
        handOut(UnitJob.class, group, specs);
    }

    /** Hands out the chunks of validation run {@code runId} as jobs, in the order given. */
    void scheduleChunks(long runId, List<ValidationChunks.Planned> chunks) throws SchedulerException {
        List<JobSpec> specs = new ArrayList<>();
        for (ValidationChunks.Planned c : chunks) {
            JobDataMap data = new JobDataMap();
            data.put(RUN, Long.toString(runId));
            data.put(TABLE, c.tableKey());
            data.put(ORDINAL, Integer.toString(c.ordinal()));
            String name = runId + " " + chunkKey(c.tableKey(), c.ordinal());
            specs.add(new JobSpec(name, "validation chunk " + name, data));
        }
        handOut(ChunkJob.class, chunkGroup, specs);
    }

    /** One job to hand out: its name in its group, what it is, and what it carries. */
    private record JobSpec(String name, String description, JobDataMap data) {
    }

    /**
     * Each job durable and asking for recovery, with a trigger that fires now, the first in the list with the highest
     * priority; a job of the same name is replaced.
     */
    private void handOut(Class<? extends Job> type, String jobGroup, List<JobSpec> specs) throws SchedulerException {
        Map<JobDetail, Set<? extends Trigger>> jobs = new LinkedHashMap<>();
        Date now = new Date();
        int priority = specs.size();
        for (JobSpec spec : specs) {
            JobKey key = JobKey.jobKey(spec.name(), jobGroup);
            JobDetail job = JobBuilder.newJob(type).withIdentity(key).storeDurably().requestRecovery()
                    .usingJobData(spec.data()).withDescription(spec.description()).build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity(spec.name(), jobGroup).forJob(key).startAt(now)
                    .withPriority(priority--).build();
            jobs.put(job, Set.of(trigger));
        }
        scheduler.scheduleJobs(jobs, true);
    }

    /**
     * The chunks of run {@code runId} whose jobs are still to run or running, as {@code "table ordinal"} (a job's
     * trigger is gone once it has ended).
     */
    Set<String> chunksOut(long runId) throws SchedulerException {
        String prefix = runId + " ";
        Set<String> out = new HashSet<>();
        for (TriggerKey k : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(chunkGroup))) {
            if (k.getName().startsWith(prefix)) {
                out.add(k.getName().substring(prefix.length()));
            }
        }
        return out;
    }

    /** A chunk's name within its run, as its job is named after the run's id. */
    static String chunkKey(String tableKey, int ordinal) {
        return tableKey + " " + ordinal;
    }

    /** Withdraws every unit job of the task (those running go on to their end). */
    void withdraw() throws SchedulerException {
        withdraw(group);
    }

    /** Withdraws every chunk job of the task (those running go on to their end). */
    void withdrawChunks() throws SchedulerException {
        withdraw(chunkGroup);
    }

    private void withdraw(String jobGroup) throws SchedulerException {
        scheduler.deleteJobs(List.copyOf(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(jobGroup))));
    }

    /** Leaves the cluster once the units running here are over. */
    @Override
    public void close() throws SchedulerException {
        scheduler.shutdown(true);
    }
}

package dev.godwit.orchestrator.scaleout;

import dev.godwit.orchestrator.load.UnitWork;
import dev.godwit.workers.copy.CopyStatements;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

import java.util.List;

/** One unit handed out by the coordinator, as Quartz runs it on some node (again, after the node it ran on died). */
final class UnitJob implements Job {
    private final UnitRunner runner;

    UnitJob(UnitRunner runner) {
        this.runner = runner;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        CopyStatements statements = new CopyStatements(data.getString(TaskCluster.COPY_OUT),
                data.getString(TaskCluster.COPY_IN), List.of(), Boolean.parseBoolean(data.getString(TaskCluster.BINARY)),
                data.getString(TaskCluster.RELATION));
        UnitWork work = new UnitWork(data.getString(TaskCluster.UNIT), data.getString(TaskCluster.TABLE), statements, null);
        try {
            runner.run(work, data.getString(TaskCluster.SNAPSHOT), context.isRecovering());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobExecutionException(e);
        }
    }
}

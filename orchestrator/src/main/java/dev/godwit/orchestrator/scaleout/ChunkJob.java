package dev.godwit.orchestrator.scaleout;

import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/** One chunk of a spread validation, as Quartz runs it on some node (again, after the node it ran on died). */
final class ChunkJob implements Job {
    private final ChunkRunner runner;

    ChunkJob(ChunkRunner runner) {
        this.runner = runner;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        try {
            runner.run(Long.parseLong(data.getString(TaskCluster.RUN)), data.getString(TaskCluster.TABLE),
                    Integer.parseInt(data.getString(TaskCluster.ORDINAL)), context.isRecovering());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobExecutionException(e);
        }
    }
}

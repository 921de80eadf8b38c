package dev.godwit.orchestrator.cutover;

import dev.godwit.workers.pg.PgConnector;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;

/** What fires at the scheduled time: a cutover request, which the running task performs between transactions. */
final class CutoverJob implements Job {
    private static final Logger log = LoggerFactory.getLogger(CutoverJob.class);

    private final PgConnector target;
    private final CutoverLedger ledger;

    CutoverJob(PgConnector target, CutoverLedger ledger) {
        this.target = target;
        this.ledger = ledger;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        boolean fence = context.getMergedJobDataMap().getBooleanValue(CutoverSchedule.FENCE);
        try (Connection c = target.open("scheduler")) {
            ledger.request(c, "schedule", fence, false);
            log.info("cutover: the scheduled time has come (fence: {}); starting after the transaction at hand", fence);
        } catch (Exception e) {
            log.error("cutover: could not record the scheduled cutover ({}); trying again in 5 s", e.getMessage());
            try {
                Thread.sleep(5000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            // Quartz fires the job again at once: a target that is down for a while must not lose the cutover
            throw new JobExecutionException("could not record the scheduled cutover: " + e.getMessage(), e, true);
        }
    }
}

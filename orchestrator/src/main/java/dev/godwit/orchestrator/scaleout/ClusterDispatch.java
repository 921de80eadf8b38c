package dev.godwit.orchestrator.scaleout;

import dev.godwit.orchestrator.load.UnitDispatch;
import dev.godwit.orchestrator.load.UnitWork;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.workers.pg.PgConnector;

import java.util.List;

/**
 * The coordinator's side of a load spread over worker processes: it joins the load cluster (working units itself
 * unless told not to), hands the units out as jobs, and withdraws those not begun when the copy ends.
 */
public final class ClusterDispatch implements UnitDispatch {
    private final WorkerNode node;

    private ClusterDispatch(WorkerNode node) {
        this.node = node;
    }

    /** How a task's load is spread, as 'godwit start' and 'resume' were told. */
    public record Distribution(int coordinatorThreads) {
        /** The coordinator hands units out and copies {@code coordinatorThreads} of them at a time itself (0: none). */
        public boolean coordinatorWorks() {
            return coordinatorThreads > 0;
        }
    }

    public static UnitDispatch.Opener opener(String task, ControlSchema control, PgConnector source, PgConnector target,
                                             Distribution distribution) {
        return () -> new ClusterDispatch(WorkerNode.join(task, control, source, target,
                Math.max(1, distribution.coordinatorThreads()), true, distribution.coordinatorWorks()));
    }

    @Override
    public void dispatch(List<UnitWork> units, String snapshotName) throws Exception {
        node.schedule(units, snapshotName);
    }

    @Override
    public void close() throws Exception {
        try (WorkerNode n = node) {
            n.withdraw();
        }
    }
}

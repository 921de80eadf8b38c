package dev.godwit.orchestrator.scaleout;

import dev.godwit.orchestrator.failure.FailureKind;
import dev.godwit.orchestrator.failure.GodwitException;
import dev.godwit.orchestrator.load.UnitCopier;
import dev.godwit.orchestrator.state.ControlSchema;
import dev.godwit.orchestrator.state.ValidationChunks;
import dev.godwit.orchestrator.state.Workers;
import dev.godwit.orchestrator.validate.ChunkSpread;
import dev.godwit.workers.pg.PgConnector;
import dev.godwit.workers.validate.Chunk;
import dev.godwit.workers.validate.ChunkCount;
import dev.godwit.workers.validate.ChunkResult;
import dev.godwit.workers.validate.Comparison;
import dev.godwit.workers.validate.TableOutcome;
import dev.godwit.workers.validate.ValidatedTable;
import dev.godwit.workers.validate.ValidationQueries;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A validation's chunks compared by the task's worker processes: recorded in the chunk ledger with their queries, handed
 * out as jobs of the task's cluster (which this process joins, comparing chunks itself unless told not to), and
 * collected once every one is recorded. A chunk whose worker dies is compared again by another (Quartz's recovery, the
 * ledger's epoch); a chunk a worker could not compare fails the validation.
 */
public final class ClusterChunks implements ChunkSpread {
    private static final Logger log = LoggerFactory.getLogger(ClusterChunks.class);
    /** How often the ledger is read while the chunks are compared. */
    private static final Duration POLL = Duration.ofMillis(250);
    /** How often the chunks left untaken by a job that ended are looked for. */
    private static final Duration RECHECK = Duration.ofSeconds(5);
    /** How often the validation's progress is logged. */
    private static final Duration REPORT = Duration.ofSeconds(10);
    /** How long the chunks may wait with no live process to take them before the validation gives up. */
    private static final Duration UNTAKEN = UnitCopier.LEASE.multipliedBy(2);

    private final String task;
    private final ControlSchema control;
    private final PgConnector source;
    private final PgConnector target;
    private final ClusterDispatch.Distribution distribution;

    public ClusterChunks(String task, ControlSchema control, PgConnector source, PgConnector target,
                         ClusterDispatch.Distribution distribution) {
        this.task = task;
        this.control = control;
        this.source = source;
        this.target = target;
        this.distribution = distribution;
    }

    @Override
    public List<TableOutcome> compare(long runId, String snapshot, Map<ValidatedTable, List<Chunk>> chunks,
                                      boolean content) throws SQLException, InterruptedException {
        ValidationChunks ledger = new ValidationChunks(control);
        List<ValidationChunks.Planned> planned = new ArrayList<>();
        for (Map.Entry<ValidatedTable, List<Chunk>> e : chunks.entrySet()) {
            ValidatedTable table = e.getKey();
            for (Chunk chunk : e.getValue()) {
                planned.add(new ValidationChunks.Planned(table.tableKey(), chunk.ordinal(),
                        ValidationQueries.sourceChunk(table, chunk, content),
                        ValidationQueries.targetChunk(table, chunk, content)));
            }
        }
        try (Connection c = target.open("validation")) {
            ledger.plan(c, runId, snapshot, planned);
        }
        try (WorkerNode node = WorkerNode.join(task, control, source, target,
                Math.max(1, distribution.coordinatorThreads()), false, distribution.coordinatorWorks())) {
            try {
                node.scheduleChunks(runId, planned);
                log.info("validation: {} chunks of {} tables handed to the workers{}", planned.size(), chunks.size(),
                        distribution.coordinatorWorks() ? " and to " + distribution.coordinatorThreads()
                                + " thread(s) here" : "");
                List<ValidationChunks.Recorded> recorded = awaitRecorded(node, ledger, runId, planned);
                return outcomes(chunks, recorded);
            } finally {
                node.withdrawChunks();
            }
        } catch (SchedulerException e) {
            throw new SQLException("the task's cluster in " + control.name() + " could not hand out the chunks: "
                    + e.getMessage(), e);
        } catch (SQLException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    private List<ValidationChunks.Recorded> awaitRecorded(WorkerNode node, ValidationChunks ledger, long runId,
                                                          List<ValidationChunks.Planned> planned)
            throws SQLException, InterruptedException, SchedulerException {
        int expected = planned.size();
        Workers workers = new Workers(control, task);
        long lastWorker = System.nanoTime();
        long lastRecheck = System.nanoTime();
        long lastReport = System.nanoTime();
        try (Connection c = target.open("validation")) {
            while (true) {
                List<ValidationChunks.Recorded> recorded = ledger.recorded(c, runId);
                boolean anyoneWorks = workers.list(c).stream().anyMatch(w -> w.capacity() > 0
                        && w.heartbeatAge().compareTo(UnitCopier.LEASE) < 0);
                List<ValidationChunks.Recorded> failed = recorded.stream().filter(r -> r.state().equals("failed")).toList();
                if (!failed.isEmpty()) {
                    ValidationChunks.Recorded f = failed.get(0);
                    throw new SQLException("validation chunk " + f.ordinal() + " of " + f.tableKey() + " could not be"
                            + " compared by " + f.owner() + ": " + f.error()
                            + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more chunks)" : ""));
                }
                long done = recorded.stream().filter(r -> r.state().equals("done")).count();
                if (done == expected) {
                    return recorded;
                }
                if (System.nanoTime() - lastReport > REPORT.toNanos()) {
                    log.info("validation: {} of {} chunks compared, {} in hand", done, expected, recorded.stream()
                            .filter(r -> r.state().equals("pending") && r.leased()).count());
                    lastReport = System.nanoTime();
                }
                if (System.nanoTime() - lastRecheck > RECHECK.toNanos()) {
                    handOutAgain(node, runId, planned, recorded);
                    lastRecheck = System.nanoTime();
                }
                if (anyoneWorks) {
                    lastWorker = System.nanoTime();
                } else if (System.nanoTime() - lastWorker > UNTAKEN.toNanos()) {
                    throw new GodwitException(FailureKind.BAD_INPUT, "no live process takes the validation's chunks of"
                            + " task '" + task + "' (" + (expected - done) + " of " + expected + " left): start 'godwit"
                            + " worker TASK --until cutover' (--until stopped for a finished full-load task) on a host"
                            + " that reaches both databases, or validate with this process's threads (without"
                            + " --workers external, or with --coordinator-threads above 0)");
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    /**
     * A chunk left pending, unleased, with its job over (a node that could not take it for an error of its own) is
     * handed out again; a chunk whose job still waits or runs is not.
     */
    private static void handOutAgain(WorkerNode node, long runId, List<ValidationChunks.Planned> planned,
                                     List<ValidationChunks.Recorded> recorded) throws SchedulerException {
        Set<String> out = node.chunksOut(runId);
        Set<String> untaken = new HashSet<>();
        for (ValidationChunks.Recorded r : recorded) {
            String key = TaskCluster.chunkKey(r.tableKey(), r.ordinal());
            if (r.state().equals("pending") && !r.leased() && !out.contains(key)) {
                untaken.add(key);
            }
        }
        List<ValidationChunks.Planned> again = planned.stream()
                .filter(p -> untaken.contains(TaskCluster.chunkKey(p.tableKey(), p.ordinal()))).toList();
        if (!again.isEmpty()) {
            log.warn("validation: {} chunk(s) ended untaken; handed out again", again.size());
            node.scheduleChunks(runId, again);
        }
    }

    private static List<TableOutcome> outcomes(Map<ValidatedTable, List<Chunk>> chunks,
                                               List<ValidationChunks.Recorded> recorded) {
        Map<String, Map<Integer, ValidationChunks.Recorded>> byTable = recorded.stream().collect(Collectors.groupingBy(
                ValidationChunks.Recorded::tableKey, Collectors.toMap(ValidationChunks.Recorded::ordinal, r -> r)));
        List<TableOutcome> out = new ArrayList<>();
        for (Map.Entry<ValidatedTable, List<Chunk>> e : chunks.entrySet()) {
            ValidatedTable table = e.getKey();
            List<ChunkResult> results = new ArrayList<>();
            for (Chunk chunk : e.getValue()) {
                ValidationChunks.Recorded r = byTable.get(table.tableKey()).get(chunk.ordinal());
                results.add(Comparison.result(table, chunk, new ChunkCount(r.sourceRows(), r.sourceHash()),
                        new ChunkCount(r.targetRows(), r.targetHash()), r.millis()));
            }
            out.add(new TableOutcome(table.tableKey(), results));
        }
        return out;
    }
}

package dev.godwit.orchestrator.load;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.workers.catalog.ConstraintType;
import dev.godwit.workers.copy.CopyUnit;
import dev.godwit.workers.copy.CopyWorker;
import dev.godwit.workers.copy.RewriteCheck;
import dev.godwit.workers.pg.ReplicaMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;

/**
 * Copies the tables CDC cannot carry (unlogged: nothing of them is in the WAL) once more, at the cutover, after the
 * target applied the source's last change: the target's rows are replaced by the source's in one target transaction
 * read from one source snapshot, so the tables agree with each other and with everything streamed. A table truncated
 * on the source after that snapshot was taken (an application still writing: the cutover was not fenced) would read as
 * empty under it ({@link RewriteCheck}); the copy is then made again under a new snapshot.
 */
public final class UnloggedRecopy {
    private static final Logger log = LoggerFactory.getLogger(UnloggedRecopy.class);
    private static final int ATTEMPTS = 3;

    /** The tables this task copies again at cutover. */
    public static List<PlannedTable> tables(SchemaPlan planned) {
        return referencedFirst(planned.plan().tables().stream()
                .filter(t -> t.cdc() == PlannedTable.CdcCoverage.COPIED_AT_CUTOVER).toList());
    }

    /**
     * The tables with each one after those its foreign keys reference: where replica mode is not available the
     * target checks every key as the rows arrive. A cycle (rare) keeps the rest in plan order.
     */
    static List<PlannedTable> referencedFirst(List<PlannedTable> tables) {
        List<PlannedTable> left = new ArrayList<>(tables);
        List<PlannedTable> out = new ArrayList<>();
        while (!left.isEmpty()) {
            Set<Long> pending = new HashSet<>();
            left.forEach(t -> pending.add(t.source().oid()));
            PlannedTable next = left.stream().filter(t -> t.source().constraints().stream()
                    .noneMatch(k -> k.type() == ConstraintType.FOREIGN_KEY && k.referencedTableOid().isPresent()
                            && k.referencedTableOid().getAsLong() != t.source().oid()
                            && pending.contains(k.referencedTableOid().getAsLong())))
                    .findFirst().orElse(left.get(0));
            left.remove(next);
            out.add(next);
        }
        return out;
    }

    /**
     * @return one line per table, for the cutover's report; empty when the task has no such table
     * @throws RewriteCheck.RelationRewritten when a table was rewritten under every one of {@value #ATTEMPTS} snapshots
     */
    public List<String> run(Connection source, Connection target, SchemaPlan planned) throws SQLException {
        List<PlannedTable> tables = tables(planned);
        if (tables.isEmpty()) {
            return List.of();
        }
        // the target's own triggers must not rewrite rows that the source's triggers already wrote
        ReplicaMode.enable(target);
        boolean sourceAuto = source.getAutoCommit();
        boolean targetAuto = target.getAutoCommit();
        source.setAutoCommit(false);
        target.setAutoCommit(false);
        try {
            List<String> retried = new ArrayList<>();
            for (int attempt = 1; ; attempt++) {
                try {
                    List<String> lines = new ArrayList<>(retried);
                    lines.addAll(copyOnce(source, target, tables));
                    return lines;
                } catch (RewriteCheck.RelationRewritten e) {
                    // the snapshot predates a TRUNCATE that committed while the copy waited for the table's lock:
                    // it saw the table empty; a snapshot taken now sees what the TRUNCATE left
                    source.rollback();
                    target.rollback();
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                    log.warn("unlogged tables: {}; copying them again under a new snapshot", e.getMessage());
                    retried.add("unlogged table " + e.relation() + " was rewritten on the source (TRUNCATE) during the"
                            + " copy: copied again under a new snapshot");
                }
            }
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            target.rollback();
            throw e;
        } finally {
            source.setAutoCommit(sourceAuto);
            target.setAutoCommit(targetAuto);
        }
    }

    private static List<String> copyOnce(Connection source, Connection target, List<PlannedTable> tables) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement s = source.createStatement(); Statement t = target.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            // one TRUNCATE for all: an unlogged table may be referenced by another one's foreign key
            List<TableCopy> copies = tables.stream().map(TableCopy::of).toList();
            t.execute("TRUNCATE " + String.join(", ", copies.stream().map(TableCopy::truncateTarget).toList()));
            for (int i = 0; i < tables.size(); i++) {
                PlannedTable table = tables.get(i);
                TableCopy copy = copies.get(i);
                long rows = 0;
                for (CopyUnit unit : table.units()) {
                    String from = SqlText.qualified(unit.sourceSchema(), unit.sourceName());
                    rows += CopyWorker.pipe(source, target, copy.statements(from, unit.rangePredicate(), false), b -> {
                    }).rows();
                    // still under the COPY's lock, so no rewrite can slip in after this check
                    RewriteCheck.verify(source, from);
                }
                lines.add(String.format(Locale.ROOT, "unlogged table %s copied again: %,d rows", copy.tableKey(), rows));
            }
        }
        source.commit();
        target.commit();
        return lines;
    }
}

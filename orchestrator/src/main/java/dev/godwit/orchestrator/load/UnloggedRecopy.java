package dev.godwit.orchestrator.load;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.orchestrator.plan.SchemaPlan;
import dev.godwit.workers.catalog.ConstraintType;
import dev.godwit.workers.copy.CopyUnit;
import dev.godwit.workers.copy.CopyWorker;
import dev.godwit.workers.pg.ReplicaMode;

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
 * read from one source snapshot, so the tables agree with each other and with everything streamed.
 */
public final class UnloggedRecopy {

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
                }
                lines.add(String.format(Locale.ROOT, "unlogged table %s copied again: %,d rows", copy.tableKey(), rows));
            }
            source.commit();
            target.commit();
            return lines;
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            target.rollback();
            throw e;
        } finally {
            source.setAutoCommit(sourceAuto);
            target.setAutoCommit(targetAuto);
        }
    }
}

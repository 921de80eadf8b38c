package dev.godwit.workers.copy;

import dev.godwit.workers.pg.ExportedSnapshot;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongConsumer;

/**
 * Copies one unit: a source transaction that imports the task's exported snapshot, its COPY stream piped in buffers of
 * 256 kB into a COPY on the target, and the target transaction committed together with whatever the caller records
 * in it (the unit ledger), so a unit is either wholly on the target or not at all. A relation rewritten on the source
 * after the snapshot ({@link RewriteCheck}) fails the unit before anything is committed. Nothing is staged on disk and no
 * more than one buffer is held in memory.
 */
public final class CopyWorker {
    private static final int BUFFER_BYTES = 256 * 1024;

    /** Work done inside the target transaction, after the rows, before the commit. */
    @FunctionalInterface
    public interface InTargetTransaction {
        void run(Connection target, CopyResult result) throws SQLException;
    }

    /**
     * What one unit moved.
     *
     * @param rows       the rows the target's COPY wrote (its command tag)
     * @param sourceRows the rows the source's COPY sent (its command tag), read under the snapshot: equal to
     *                   {@code rows} unless something on the target (a trigger) kept rows out
     */
    public record CopyResult(long rows, long sourceRows, long bytes, long millis) {
    }

    /**
     * @param snapshotName    the exported snapshot to read under; null to read the source's current state (tests)
     * @param truncateFirst   SQL run in the target transaction before the COPY (a TRUNCATE for a one-unit table)
     * @param progress        told the bytes of every chunk as it passes
     */
    public CopyResult copy(Connection source, Connection target, String snapshotName, CopyStatements statements,
                           String truncateFirst, InTargetTransaction beforeCommit, LongConsumer progress) throws SQLException {
        long start = System.nanoTime();
        boolean sourceAuto = source.getAutoCommit();
        boolean targetAuto = target.getAutoCommit();
        source.setAutoCommit(false);
        target.setAutoCommit(false);
        try {
            ExportedSnapshot.importInto(source, snapshotName);
            if (truncateFirst != null) {
                try (Statement s = target.createStatement()) {
                    s.execute(truncateFirst);
                }
            }
            Piped piped = pipe(source, target, statements, progress);
            // still under the COPY's lock: a rewrite after the snapshot would have left the copy empty
            RewriteCheck.verify(source, statements.sourceRelation());
            source.commit();
            CopyResult result = new CopyResult(piped.rows(), piped.sourceRows(), piped.bytes(), (System.nanoTime() - start) / 1_000_000);
            beforeCommit.run(target, result);
            target.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(source);
            rollbackQuietly(target);
            throw e;
        } finally {
            restoreAutoCommit(source, sourceAuto);
            restoreAutoCommit(target, targetAuto);
        }
    }

    /**
     * What one COPY moved: the rows the target wrote, the rows the source sent, both from the servers' command tags,
     * and the bytes passed on.
     */
    public record Piped(long rows, long sourceRows, long bytes) {
    }

    /**
     * Pipes one COPY from the source into the target within the transactions the caller holds open on both.
     */
    public static Piped pipe(Connection source, Connection target, CopyStatements statements, LongConsumer progress)
            throws SQLException {
        CopyManager out = source.unwrap(PGConnection.class).getCopyAPI();
        CopyManager in = target.unwrap(PGConnection.class).getCopyAPI();
        long bytes = 0;
        CopyOut reader = out.copyOut(statements.copyOut());
        CopyIn writer = in.copyIn(statements.copyIn());
        // the source sends one CopyData message per row: passing each on alone costs a driver round per row,
        // so rows are gathered into one buffer and sent on together (measured: 1.9 s → 1.5 s for 3M rows)
        byte[] buffer = new byte[BUFFER_BYTES];
        int filled = 0;
        try {
            byte[] chunk;
            while ((chunk = reader.readFromCopy()) != null) {
                if (filled + chunk.length > buffer.length) {
                    writer.writeToCopy(buffer, 0, filled);
                    progress.accept(filled);
                    filled = 0;
                }
                if (chunk.length > buffer.length) {
                    writer.writeToCopy(chunk, 0, chunk.length);
                    progress.accept(chunk.length);
                } else {
                    System.arraycopy(chunk, 0, buffer, filled, chunk.length);
                    filled += chunk.length;
                }
                bytes += chunk.length;
            }
            if (filled > 0) {
                writer.writeToCopy(buffer, 0, filled);
                progress.accept(filled);
            }
        } catch (SQLException | RuntimeException e) {
            cancelQuietly(reader, writer);
            throw e;
        }
        long written = writer.endCopy();
        // the driver reads the source's command tag ("COPY n") before it hands out the end of the stream
        long sent = reader.getHandledRowCount();
        if (sent < 0) {
            throw new SQLException("the source's COPY ended without reporting its row count: " + statements.copyOut(), "XX000");
        }
        return new Piped(written, sent, bytes);
    }

    private static void cancelQuietly(CopyOut reader, CopyIn writer) {
        try {
            if (writer.isActive()) {
                writer.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the original failure is what matters; the transaction is rolled back next
        }
        try {
            if (reader.isActive()) {
                reader.cancelCopy();
            }
        } catch (SQLException ignored) {
            // as above
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.isClosed() && !c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is broken; the caller discards it
        }
    }

    private static void restoreAutoCommit(Connection c, boolean value) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(value);
            }
        } catch (SQLException ignored) {
            // a broken connection is discarded by the caller
        }
    }
}

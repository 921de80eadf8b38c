package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.cdc.pgoutput.PgOutputDecoder;
import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.PgConnector;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logical replication stream of one pgoutput slot: a reader thread of its own owns the replication connection,
 * decodes every message and hands it to the consumer through a bounded queue, and keeps the walsender answered with
 * status updates whatever the consumer is doing.
 *
 * <p><b>Positions.</b> {@code START_REPLICATION} silently starts at max(requested start, the slot's
 * {@code confirmed_flush_lsn}) and then sends every transaction that commits after that point, so Begin and change
 * LSNs can lie below it and are neither unique nor ordered across transactions. Callers therefore skip and
 * checkpoint by <b>commit end LSN</b> ({@link dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Commit#endLsn()})
 * only: a transaction whose commit end LSN is at or below the checkpoint has been applied already.
 *
 * <p><b>Confirming.</b> Automatic flushing is off. The consumer calls {@link #confirm(Lsn)} with a commit end LSN
 * only after the target transaction that holds that source transaction (and the checkpoint) has committed; the reader
 * reports it as flushed and applied in its next status update (early, within half a second, when it moved). Nothing
 * beyond what was confirmed is reported, except by the idle rule of {@link StreamFeedback}: when every commit received
 * has been confirmed, no transaction is open and nothing is queued, the server's latest WAL position is reported, so
 * an idle or filtered database does not retain WAL. Transactions that the consumer skips because they are at or below
 * its checkpoint must still be confirmed (confirming the checkpoint itself once is enough).
 *
 * <p><b>In-progress transactions.</b> Under protocol version 2 ({@code streaming 'on'}) the server sends a large
 * transaction in blocks while it runs. The reader spills each one to a file of its own ({@link StreamedTransactions})
 * and, at its Stream Commit, hands it to the consumer as protocol version 1 would: Begin, its changes read back from
 * the file, Commit. The consumer never sees a stream message, and transactions still arrive in commit order. The
 * idle rule does not hold while a streamed transaction is open, and only commit end LSNs are confirmed, so the slot
 * never moves past the start of a transaction that has not been applied: after a restart the server sends it again,
 * from its first change.
 *
 * <p><b>Failures.</b> When the reader stops on its own (connection lost, server restarted, walsender terminated,
 * undecodable message) {@link #poll} first returns what is still queued and then throws a
 * {@link ChangeStreamException} naming the slot and the last LSN received, on every call. The stream does not
 * reconnect: that is the caller's job, with a new {@code ChangeStream} started from its checkpoint.
 *
 * <p>One consumer thread calls {@link #poll} and {@link #confirm}; {@link #close()} may be called from any thread.
 */
public final class ChangeStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeStream.class);
    private static final long CLOSE_WAIT_MILLIS = 3_000;
    private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final StreamOptions options;
    private final Connection connection;
    private final EventHandOff handOff;
    private final StreamFeedback feedback;
    private final StreamReader reader;
    private final Thread thread;
    private final Duration statusInterval;
    private final boolean messagesRequested;
    /** Protocol version 2: the spill of in-progress transactions, owned by the reader thread; null otherwise. */
    private final StreamedTransactions spool;
    private volatile ChangeStreamException failure;
    private volatile boolean closed;

    private ChangeStream(StreamOptions options, Connection connection, PGReplicationStream stream,
                         Duration statusInterval, boolean messagesRequested, StreamedTransactions spool) {
        this.options = options;
        this.connection = connection;
        this.statusInterval = statusInterval;
        this.messagesRequested = messagesRequested;
        this.handOff = new EventHandOff(options.queueCapacity());
        this.feedback = new StreamFeedback(options.startPosition(), options.acknowledgeIdle());
        this.reader = new StreamReader(stream, new PgOutputDecoder(options.protocolVersion()), handOff, feedback,
                statusInterval.toNanos(), spool);
        this.spool = spool;
        this.thread = new Thread(this::runReader, "godwit-stream-" + options.slotName());
        this.thread.setDaemon(true);
    }

    /**
     * Opens a replication connection to the source, starts replication from the slot and starts the reader thread.
     *
     * @throws SQLException if the slot or publication does not exist, the slot is active elsewhere, or the server
     *                      refuses the options
     */
    public static ChangeStream open(PgConnector source, StreamOptions options) throws SQLException {
        Connection connection = source.openReplication("cdc " + options.slotName());
        try {
            int major = connection.getMetaData().getDatabaseMajorVersion();
            Duration interval = effectiveStatusInterval(options.statusInterval(), walSenderTimeout(connection));
            boolean messages = options.messages() && major >= 14;
            if (options.messages() && !messages) {
                LOG.info("logical decoding messages need PostgreSQL 14 or later; the source runs {}: slot {} "
                        + "streams without them", major, options.slotName());
            }
            if (options.protocolVersion() >= 2 && major < 14) {
                LOG.warn("streaming in-progress transactions (pgoutput proto_version 2) needs PostgreSQL 14 or later;"
                        + " the source runs {}: slot {} sends each transaction after its commit", major,
                        options.slotName());
                options = options.withProtocolVersion(1);
            }
            ChainedLogicalStreamBuilder builder = connection.unwrap(PGConnection.class).getReplicationAPI()
                    .replicationStream().logical()
                    .withSlotName(options.slotName())
                    .withStartPosition(options.startPosition().toLogSequenceNumber())
                    .withSlotOption("proto_version", Integer.toString(options.protocolVersion()))
                    .withSlotOption("publication_names", publicationOption(options.publicationName()))
                    .withStatusInterval(Math.toIntExact(interval.toMillis()), TimeUnit.MILLISECONDS)
                    .withAutomaticFlush(false);
            if (messages) {
                builder = builder.withSlotOption("messages", "true");
            }
            if (options.protocolVersion() >= 2) {
                builder = builder.withSlotOption("streaming", "on");
            }
            StreamedTransactions spool = options.protocolVersion() >= 2
                    ? createSpool(options) : null;
            PGReplicationStream stream;
            try {
                stream = builder.start();
            } catch (SQLException | RuntimeException e) {
                if (spool != null) {
                    spool.close();
                }
                throw e;
            }
            ChangeStream changes = new ChangeStream(options, connection, stream, interval, messages, spool);
            changes.thread.start();
            LOG.info("streaming slot {} of publication {} from {} (status every {} ms, queue {}{})",
                    options.slotName(), options.publicationName(), options.startPosition(), interval.toMillis(),
                    options.queueCapacity(), spool == null ? ""
                            : "; in-progress transactions streamed, spilled to " + spool.directory());
            return changes;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static StreamedTransactions createSpool(StreamOptions options) throws SQLException {
        try {
            return StreamedTransactions.create(options.spillDirectory(), options.slotName());
        } catch (java.io.IOException e) {
            throw new SQLException("cannot make a spill directory for in-progress transactions under "
                    + options.spillDirectory() + ": " + e.getMessage(), "58030", e);
        }
    }

    /**
     * The next event, waiting up to {@code timeout}; null if none arrived in time.
     *
     * @throws ChangeStreamException once the reader has stopped on a failure and everything queued before it has
     *                               been returned
     * @throws IllegalStateException after {@link #close()}
     */
    public StreamEvent poll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (closed) {
                throw new IllegalStateException("the change stream of slot " + options.slotName() + " is closed");
            }
            long remaining = deadline - System.nanoTime();
            StreamEvent event = handOff.poll(Math.max(0, Math.min(remaining, POLL_SLICE_NANOS)));
            if (event != null) {
                return event;
            }
            ChangeStreamException failed = failure;
            if (failed != null && handOff.isEmpty()) {
                throw new ChangeStreamException(failed.getMessage(), failed.slotName(), failed.lastReceived(),
                        failed.getCause());
            }
            if (remaining <= 0) {
                return null;
            }
        }
    }

    /**
     * Confirms that the source transaction whose commit ends at {@code commitEndLsn}, and every one before it, is
     * committed on the target. Reported to the server in the next status update; never call it earlier.
     *
     * @throws IllegalArgumentException if no commit received ends at or after {@code commitEndLsn} and it is beyond
     *                                  the start position
     */
    public void confirm(Lsn commitEndLsn) {
        feedback.confirm(commitEndLsn);
    }

    /** The WAL position of the last message received (for a Commit, its end LSN). */
    public Lsn lastReceived() {
        return reader.lastReceived();
    }

    /** The highest commit end LSN the consumer confirmed; {@link Lsn#INVALID} before the first confirmation. */
    public Lsn lastConfirmed() {
        return feedback.confirmed();
    }

    /**
     * With {@link StreamOptions#acknowledgeIdle()}: the position the idle rule reached beyond the last confirmation,
     * when nothing is pending now. Record it durably, then {@link #acknowledgeIdle} it.
     */
    public java.util.Optional<Lsn> idlePosition() {
        return feedback.idleCandidate(handOff.isEmpty());
    }

    /** Lets the stream report an idle position (from {@link #idlePosition()}) that the consumer has recorded. */
    public void acknowledgeIdle(Lsn position) {
        feedback.acknowledgeIdle(position);
    }

    /** The position last reported to the server as flushed: the confirmed one, or further by the idle rule. */
    public Lsn lastReported() {
        return reader.reported();
    }

    /** The latest WAL position the server reported (keepalive or message), for lag. */
    public Lsn serverWalEnd() {
        return reader.serverWalEnd();
    }

    /** The status interval in use: the requested one, lowered to a third of the server's wal_sender_timeout. */
    public Duration statusInterval() {
        return statusInterval;
    }

    /** Whether logical decoding messages were requested from the server (asked for, and the server is 14+). */
    public boolean messagesRequested() {
        return messagesRequested;
    }

    /** How many events were received and not yet returned by {@link #poll} (never more than the queue capacity). */
    public int queued() {
        return handOff.size();
    }

    public StreamOptions options() {
        return options;
    }

    /** For tests: messages decoded so far, and the most events seen waiting in the queue right after a hand-over. */
    long decodedCount() {
        return reader.decodedCount();
    }

    int maxQueued() {
        return reader.maxQueued();
    }

    /**
     * Stops the reader, sends the last confirmed position, and closes the connection. Returns within a few seconds
     * whatever the server or the network does: if the reader does not stop in time the socket is aborted.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reader.stop();
        thread.interrupt();
        try {
            thread.join(CLOSE_WAIT_MILLIS);
            if (thread.isAlive()) {
                LOG.warn("the reader of slot {} did not stop within {} ms; aborting its connection",
                        options.slotName(), CLOSE_WAIT_MILLIS);
                abortQuietly(connection);
                thread.join(CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            abortQuietly(connection);
            Thread.currentThread().interrupt();
        }
        handOff.clear();
    }

    private void runReader() {
        try {
            reader.readUntilStopped();
        } catch (Throwable t) {
            if (!reader.stopRequested()) {
                failure = describe(t);
                LOG.warn(failure.getMessage());
            }
        } finally {
            if (failure == null) {
                reader.reportFinalPosition();
            }
            closeQuietly(connection);
            if (spool != null) {
                spool.close();
            }
        }
    }

    private ChangeStreamException describe(Throwable t) {
        String what = t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
        String state = t instanceof SQLException e && e.getSQLState() != null ? " [SQLSTATE " + e.getSQLState() + "]"
                : "";
        return new ChangeStreamException("the change stream of slot " + options.slotName() + " stopped after WAL "
                + "position " + reader.lastReceived() + " (last confirmed " + feedback.confirmed() + "): " + what
                + state + "; reconnect from the checkpoint to continue", options.slotName(), reader.lastReceived(), t);
    }

    /** A third of wal_sender_timeout at most, so two missed updates still keep the walsender alive. */
    static Duration effectiveStatusInterval(Duration requested, Duration walSenderTimeout) {
        if (walSenderTimeout.isZero()) {
            return requested;
        }
        Duration ceiling = Duration.ofMillis(walSenderTimeout.toMillis() / 3);
        if (requested.compareTo(ceiling) <= 0) {
            return requested;
        }
        Duration lowered = ceiling.toMillis() < 1 ? Duration.ofMillis(1) : ceiling;
        LOG.info("status interval {} ms is more than a third of the source's wal_sender_timeout ({} ms); using {} ms",
                requested.toMillis(), walSenderTimeout.toMillis(), lowered.toMillis());
        return lowered;
    }

    /** The server's wal_sender_timeout; zero when disabled. */
    private static Duration walSenderTimeout(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW wal_sender_timeout")) {
            rs.next();
            return parseDuration(rs.getString(1));
        }
    }

    /** A PostgreSQL time setting as SHOW prints it: {@code 60s}, {@code 500ms}, {@code 1min}, {@code 0}. */
    static Duration parseDuration(String shown) {
        String text = shown.trim();
        int split = 0;
        while (split < text.length() && (Character.isDigit(text.charAt(split)) || text.charAt(split) == '-')) {
            split++;
        }
        long amount = Long.parseLong(text.substring(0, split));
        return switch (text.substring(split).trim()) {
            case "", "ms" -> Duration.ofMillis(amount);
            case "us" -> Duration.ofNanos(amount * 1_000);
            case "s" -> Duration.ofSeconds(amount);
            case "min" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("unexpected time setting \"" + shown + "\"");
        };
    }

    /** pgoutput splits publication_names as identifiers, so the name goes quoted; the option value is a literal. */
    static String publicationOption(String publication) {
        return ("\"" + publication.replace("\"", "\"\"") + "\"").replace("'", "''");
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // closing a broken replication connection can fail; nothing is left to release
        }
    }

    private static void abortQuietly(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // best effort: the reader thread is a daemon and dies with the socket
        }
    }
}

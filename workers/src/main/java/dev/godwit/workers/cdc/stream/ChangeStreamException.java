package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.pg.Lsn;
import dev.godwit.workers.pg.SqlStates;

/**
 * The change stream stopped: the connection was lost (server restart, network, walsender killed), the server refused
 * something, or a message could not be decoded. The message names the slot and the last WAL position received.
 * The stream is dead; the caller reconnects with a new {@link ChangeStream} from its checkpoint when
 * {@link #isTransient()} says it is worth it.
 */
public final class ChangeStreamException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String slotName;
    private final transient Lsn lastReceived;

    public ChangeStreamException(String message, String slotName, Lsn lastReceived, Throwable cause) {
        super(message, cause);
        this.slotName = slotName;
        this.lastReceived = lastReceived;
    }

    public String slotName() {
        return slotName;
    }

    /** The WAL position of the last message or keepalive received before the failure. */
    public Lsn lastReceived() {
        return lastReceived;
    }

    /** Whether reconnecting may help: a lost connection or a restarting server, not a decoding error. */
    public boolean isTransient() {
        return SqlStates.isTransient(getCause());
    }
}

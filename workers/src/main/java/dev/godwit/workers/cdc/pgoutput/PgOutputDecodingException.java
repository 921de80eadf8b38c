package dev.godwit.workers.cdc.pgoutput;

import dev.godwit.workers.pg.Lsn;

/**
 * A pgoutput message could not be decoded: unknown message type, a message this decoder's protocol version does not
 * allow here, or truncated / garbled bytes. The message always names the WAL position of the offending message.
 * Not retryable: the same bytes will fail the same way.
 */
public final class PgOutputDecodingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Lsn walPosition;

    public PgOutputDecodingException(String message, Lsn walPosition) {
        super(message);
        this.walPosition = walPosition;
    }

    public PgOutputDecodingException(String message, Lsn walPosition, Throwable cause) {
        super(message, cause);
        this.walPosition = walPosition;
    }

    /** The WAL position of the message that failed to decode, as given to the decoder. */
    public Lsn walPosition() {
        return walPosition;
    }
}

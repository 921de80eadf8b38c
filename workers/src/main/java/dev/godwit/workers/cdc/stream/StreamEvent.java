package dev.godwit.workers.cdc.stream;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;
import java.util.Objects;

/**
 * One decoded message and the WAL position the server sent it at (the XLogData start). That position is the
 * commit's end LSN for a {@link PgOutputMessage.Commit}, the transaction's first LSN for a Begin and the change's own
 * LSN for a change: only commit end LSNs are ordered and unique, so only they may be checkpointed or confirmed.
 */
public record StreamEvent(Lsn walPosition, PgOutputMessage message) {
    public StreamEvent {
        Objects.requireNonNull(walPosition, "walPosition");
        Objects.requireNonNull(message, "message");
    }
}

package dev.godwit.workers.cdc.apply;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage;
import dev.godwit.workers.pg.Lsn;

/** A message as received, with the WAL position it was received at (for error messages). */
record Positioned(Lsn walPosition, PgOutputMessage message) {
}

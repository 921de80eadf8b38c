package dev.godwit.mappings.task;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Where change data capture stops by itself ({@code cdc.stopAt}, {@code godwit stop --at}): every source transaction
 * that commits at or before the point is applied, none after it (DMS CdcStopPosition, pgcopydb {@code --endpos}).
 */
public sealed interface StopAt {

    /** Transactions whose commit record is at or before this LSN ({@code 0/16B3748}). */
    record Position(String lsn) implements StopAt {
        @Override
        public String toString() {
            return lsn;
        }
    }

    /** Transactions whose commit time (the source's clock) is at or before this instant. */
    record Time(Instant at) implements StopAt {
        @Override
        public String toString() {
            return at.toString();
        }
    }

    /**
     * An LSN, or an ISO-8601 time with an offset ({@code 2026-12-24T18:00:00Z}) or without one (then in
     * {@code zone}); empty when the text is neither.
     */
    static Optional<StopAt> parse(String text, ZoneId zone) {
        Optional<String> lsn = TextValues.lsn(text.strip());
        if (lsn.isPresent()) {
            return Optional.of(new Position(lsn.get()));
        }
        try {
            return Optional.of(new Time(OffsetDateTime.parse(text.strip()).toInstant()));
        } catch (DateTimeParseException withoutOffset) {
            try {
                return Optional.of(new Time(LocalDateTime.parse(text.strip()).atZone(zone).toInstant()));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }

    /** What {@link #parse} accepts, for error messages. */
    String EXPECTED = "an LSN such as 0/16B3748, or an ISO-8601 time such as 2026-12-24T18:00:00Z (without an offset,"
            + " this machine's time zone)";
}

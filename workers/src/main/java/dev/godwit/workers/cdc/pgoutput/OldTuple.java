package dev.godwit.workers.cdc.pgoutput;

/**
 * The row image an UPDATE or DELETE identifies its row by.
 *
 * @param kind  whether the publisher sent only the replica identity key ('K') or the whole old row ('O')
 * @param tuple the values; for {@link Kind#KEY} only the columns flagged as key in the Relation message are
 *              meaningful (the publisher sends the others as null)
 */
public record OldTuple(Kind kind, TupleData tuple) {

    public OldTuple {
        if (kind == null || tuple == null) {
            throw new IllegalArgumentException("kind and tuple are required");
        }
    }

    public enum Kind {
        /** 'K': the replica identity key columns (REPLICA IDENTITY DEFAULT or USING INDEX). */
        KEY('K'),
        /** 'O': the complete old row (REPLICA IDENTITY FULL). */
        OLD_ROW('O');

        private final char wireCode;

        Kind(char wireCode) {
            this.wireCode = wireCode;
        }

        public char wireCode() {
            return wireCode;
        }
    }
}

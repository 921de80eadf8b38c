package dev.godwit.workers.cdc.apply;

import java.util.List;

/** The SQL text of a change to one row, with the row image value each of its {@code ?} parameters takes, in order. */
record RowStatement(String sql, List<Bind> binds) {
}

package dev.godwit.workers.cdc.apply;

import java.util.List;

/**
 * The statement of a {@link TableApplier.Prepared} over many rows at once: every bound value becomes a text array
 * parameter, unnested into a derived table {@code u(p1, …, pn, ord)} and cast to the target type exactly as the
 * single-row form casts it. UPDATE and DELETE return the ordinal of each row they changed, so each change is still
 * checked on its own.
 *
 * @param keyBinds the binds that hold the row's key (UPDATE and DELETE)
 */
record SetForm(Kind kind, String sql, List<Bind> binds, List<Bind> keyBinds) {
    enum Kind { INSERT, UPDATE, DELETE }
}

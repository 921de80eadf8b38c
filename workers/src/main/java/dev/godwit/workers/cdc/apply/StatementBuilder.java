package dev.godwit.workers.cdc.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL text with its bindings, in order: {@code ?} parameters, or, for a set form, columns {@code u.pN} of the
 * unnested arrays.
 */
final class StatementBuilder {

    /** Marks where the FROM (USING) clause of a set form goes, once every bind is known. */
    private static final String FROM_MARK = "\u0001";

    private final boolean set;
    private final StringBuilder text = new StringBuilder(256);
    private final List<Bind> binds = new ArrayList<>();
    private final List<Bind> keyBinds = new ArrayList<>();

    /** @param set whether this is the set form of a statement, over unnested arrays, rather than its single-row form */
    StatementBuilder(boolean set) {
        this.set = set;
    }

    StatementBuilder append(String s) {
        text.append(s);
        return this;
    }

    /** Appends the value of relation column {@code index} of the old or the new row image, cast to {@code cast}. */
    StatementBuilder param(boolean old, int index, String cast) {
        binds.add(new Bind(old, index));
        text.append(set ? "u.p" + binds.size() : "?").append("::").append(cast);
        return this;
    }

    /** {@link #param}, a value of the row's key. */
    StatementBuilder keyParam(boolean old, int index, String cast) {
        param(old, index, cast);
        keyBinds.add(binds.get(binds.size() - 1));
        return this;
    }

    /** Marks where the FROM (USING) clause of the set form goes; nothing in the single-row form. */
    StatementBuilder from() {
        return append(set ? FROM_MARK : "");
    }

    /** Removes {@code tail} from the end of the text. */
    StatementBuilder dropTail(String tail) {
        text.setLength(text.length() - tail.length());
        return this;
    }

    /** The single-row form. */
    RowStatement row() {
        return new RowStatement(text.toString(), List.copyOf(binds));
    }

    /** The set form: the unnested arrays where the FROM (USING) clause goes; row ordinals returned. */
    SetForm setForm(SetForm.Kind kind) {
        StringBuilder from = new StringBuilder(kind == SetForm.Kind.DELETE ? " USING unnest(" : " FROM unnest(");
        StringBuilder names = new StringBuilder();
        for (int n = 1; n <= binds.size(); n++) {
            from.append(n > 1 ? ", " : "").append("?::text[]");
            names.append(n > 1 ? ", " : "").append("p").append(n);
        }
        from.append(")");
        String sql;
        if (kind == SetForm.Kind.INSERT) {
            sql = text.toString().replace(FROM_MARK, from + " AS u(" + names + ")");
        } else {
            sql = text.toString().replace(FROM_MARK, from + " WITH ORDINALITY AS u(" + names + ", ord)")
                    + " RETURNING u.ord";
        }
        return new SetForm(kind, sql, List.copyOf(binds), List.copyOf(keyBinds));
    }
}

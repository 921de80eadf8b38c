package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Aggregate;
import dev.godwit.workers.catalog.Routine;

import java.util.ArrayList;
import java.util.List;

/**
 * CREATE AGGREGATE from the parts {@code pg_aggregate} holds, since {@code pg_get_functiondef} cannot print an
 * aggregate. Options at their default are left out, as pg_dump does, so that the text reads like the source's.
 */
final class AggregateText {
    private AggregateText() {
    }

    static String create(Routine routine) {
        Aggregate a = routine.aggregate().orElseThrow();
        List<String> options = new ArrayList<>();
        options.add("SFUNC = " + a.sfunc());
        options.add("STYPE = " + a.stype());
        if (a.sspace() != 0) {
            options.add("SSPACE = " + a.sspace());
        }
        a.finalfunc().ifPresent(f -> finalFunction(options, "", f, a.finalfuncExtra(), a.finalModify()));
        a.combinefunc().ifPresent(f -> options.add("COMBINEFUNC = " + f));
        a.serialfunc().ifPresent(f -> options.add("SERIALFUNC = " + f));
        a.deserialfunc().ifPresent(f -> options.add("DESERIALFUNC = " + f));
        a.initcond().ifPresent(v -> options.add("INITCOND = " + SqlText.literal(v)));
        a.msfunc().ifPresent(f -> options.add("MSFUNC = " + f));
        a.minvfunc().ifPresent(f -> options.add("MINVFUNC = " + f));
        a.mstype().ifPresent(t -> options.add("MSTYPE = " + t));
        if (a.msspace() != 0) {
            options.add("MSSPACE = " + a.msspace());
        }
        a.mfinalfunc().ifPresent(f -> finalFunction(options, "M", f, a.mfinalfuncExtra(), a.mfinalModify()));
        a.minitcond().ifPresent(v -> options.add("MINITCOND = " + SqlText.literal(v)));
        a.sortop().ifPresent(o -> options.add("SORTOP = " + o));
        switch (a.parallel()) {
            case "s" -> options.add("PARALLEL = SAFE");
            case "r" -> options.add("PARALLEL = RESTRICTED");
            default -> {
            }
        }
        if ("h".equals(a.kind())) {
            options.add("HYPOTHETICAL");
        }
        return "CREATE OR REPLACE AGGREGATE " + signature(routine) + " (" + String.join(", ", options) + ")";
    }

    /** {@code "schema"."name"(args)}, with {@code *} for an aggregate of no arguments, as COMMENT ON takes it. */
    static String signature(Routine routine) {
        String args = routine.identityArguments().isBlank() ? "*" : routine.identityArguments();
        return SqlText.qualified(routine.schema(), routine.name()) + "(" + args + ")";
    }

    /** FINALFUNC (prefix "") or MFINALFUNC (prefix "M") with its EXTRA flag and how it modifies the state. */
    private static void finalFunction(List<String> options, String prefix, String function, boolean extra,
                                      String modify) {
        options.add(prefix + "FINALFUNC = " + function);
        if (extra) {
            options.add(prefix + "FINALFUNC_EXTRA");
        }
        options.add(prefix + "FINALFUNC_MODIFY = " + switch (modify) {
            case "s" -> "SHAREABLE";
            case "w" -> "READ_WRITE";
            default -> "READ_ONLY";
        });
    }
}

package dev.godwit.orchestrator.preflight;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** One group of related checks. A check that cannot run becomes a finding of its own; it never ends preflight. */
abstract class CheckGroup {

    abstract List<Finding> run(PreflightContext ctx);

    interface Check {
        void run(List<Finding> out) throws SQLException;
    }

    /** Runs one check, adding what it finds to {@code out}; a failed query is reported under the check's id. */
    static void attempt(List<Finding> out, String check, String object, Check body) {
        List<Finding> found = new ArrayList<>();
        try {
            body.run(found);
            out.addAll(found);
        } catch (SQLException e) {
            out.add(CheckFailed.finding(check, object, e));
        }
    }
}

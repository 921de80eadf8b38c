package dev.godwit.mappings.task;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.nio.file.Path;

/**
 * A syntax error of a YAML or JSON file as a {@link TaskProblem}: the line and column of the problem and the
 * parser's reason. For YAML these come from SnakeYAML's own exception: Jackson's message starts with the parser's
 * context ("while parsing a block mapping") and its location is where Jackson's reading stood, which can be the end
 * of an earlier line (a tab at the start of line 4 was reported at line 3).
 */
final class SyntaxProblem {
    private SyntaxProblem() {
    }

    static TaskProblem of(Path file, JacksonException e, boolean json) {
        MarkedYAMLException yaml = json ? null : markedCause(e);
        if (yaml != null && (yaml.getProblemMark() != null || yaml.getContextMark() != null)) {
            Mark at = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
            String reason = yaml.getProblem() != null ? yaml.getProblem() : yaml.getContext();
            String context = yaml.getProblem() != null && yaml.getContext() != null && yaml.getContextMark() != null
                    ? " (" + yaml.getContext() + " at " + position(yaml.getContextMark()) + ")" : "";
            return new TaskProblem(file, position(at), "invalid YAML: " + firstLine(reason) + context);
        }
        JsonLocation at = e.getLocation();
        String location = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new TaskProblem(file, location, (json ? "invalid JSON: " : "invalid YAML: ") + firstLine(e.getOriginalMessage()));
    }

    private static MarkedYAMLException markedCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked) {
                return marked;
            }
        }
        return null;
    }

    /** SnakeYAML counts lines and columns from 0; editors and Jackson from 1. */
    private static String position(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String firstLine(String message) {
        String text = message.strip();
        int newline = text.indexOf('\n');
        return newline > 0 ? text.substring(0, newline) : text;
    }
}

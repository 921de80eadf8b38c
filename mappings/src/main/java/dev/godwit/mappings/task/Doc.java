package dev.godwit.mappings.task;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.godwit.mappings.text.Suggestions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * One document being read (a task file, a DMS JSON file): typed reads that report what they find wrong, at the path
 * inside the document, into the shared {@link Problems}, so that reading goes on and every problem is reported.
 */
public final class Doc {

    private final Path file;
    private final Problems problems;

    public Doc(Path file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    public Path file() {
        return file;
    }

    public Problems problems() {
        return problems;
    }

    /**
     * Parses a YAML or JSON file. JSON is recognised by the {@code .json} extension or a leading {@code &#123;} or
     * {@code [}; JSON errors then point at JSON's own line and column rather than YAML's reading of it.
     */
    public static Optional<JsonNode> parse(Path file, Problems problems) {
        String content;
        try {
            content = Files.readString(file);
        } catch (NoSuchFileException e) {
            problems.add(new TaskProblem(file, "", "file not found"));
            return Optional.empty();
        } catch (IOException e) {
            problems.add(new TaskProblem(file, "", "cannot be read: " + e.getMessage()));
            return Optional.empty();
        }
        String stripped = content.stripLeading();
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                || stripped.startsWith("{") || stripped.startsWith("[");
        ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(YAMLFactory.builder()
                // YAML 1.1 reads no/yes/on/off as booleans: a list value "no" (Norway) must stay a string.
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build());
        try {
            JsonNode root = mapper.readTree(content);
            if (root == null || root.isMissingNode()) {
                problems.add(new TaskProblem(file, "", "the file is empty"));
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JacksonException e) {
            problems.add(SyntaxProblem.of(file, e, json));
            return Optional.empty();
        }
    }

    public void error(String location, String message) {
        problems.add(new TaskProblem(file, location, message));
    }

    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    /** Reports keys of {@code node} not in {@code known}, with a did-you-mean where one is close. */
    public void checkKeys(JsonNode node, String path, Collection<String> known, String what) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                error(child(path, name), "unknown " + what + " '" + name + "'" + Suggestions.didYouMean(name, known)
                        + (Suggestions.closest(name, known).isPresent() ? "" : "; expected one of: "
                        + String.join(", ", known.stream().sorted().toList())));
            }
        }
    }

    public static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** A string; numbers and booleans are taken as their text, since DMS and YAML write scalars either way. */
    public Optional<String> text(JsonNode node, String path) {
        if (absent(node)) {
            return Optional.empty();
        }
        if (node.isValueNode()) {
            return Optional.of(node.asText());
        }
        error(path, "found " + describe(node) + "; expected a string");
        return Optional.empty();
    }

    public Optional<String> requiredText(JsonNode parent, String key, String path, String expected) {
        JsonNode node = parent.get(key);
        if (absent(node)) {
            error(child(path, key), "missing; expected " + expected);
            return Optional.empty();
        }
        Optional<String> value = text(node, child(path, key));
        if (value.isPresent() && value.get().isBlank()) {
            error(child(path, key), "is empty; expected " + expected);
            return Optional.empty();
        }
        return value;
    }

    /** A whole number written as a JSON number or as a string of digits (DMS writes both). */
    public OptionalLong integer(JsonNode node, String path) {
        if (absent(node)) {
            return OptionalLong.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return OptionalLong.of(node.asLong());
        }
        if (node.isTextual()) {
            String text = node.asText().trim();
            if (text.isEmpty()) {
                // DMS's own examples pass "scale": "" to mean "not given".
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                error(path, "found '" + node.asText() + "'; expected a whole number");
                return OptionalLong.empty();
            }
        }
        error(path, "found " + describe(node) + "; expected a whole number");
        return OptionalLong.empty();
    }

    /** A whole number within bounds. */
    public OptionalLong integer(JsonNode node, String path, long min, long max) {
        OptionalLong value = integer(node, path);
        if (value.isPresent() && (value.getAsLong() < min || value.getAsLong() > max)) {
            error(path, "found " + value.getAsLong() + "; expected a whole number from " + min + " to " + max);
            return OptionalLong.empty();
        }
        return value;
    }

    /** true/false, as a JSON boolean or the strings {@code true}/{@code false}. */
    public Optional<Boolean> bool(JsonNode node, String path) {
        if (absent(node)) {
            return Optional.empty();
        }
        if (node.isBoolean()) {
            return Optional.of(node.asBoolean());
        }
        if (node.isTextual()) {
            String text = node.asText().trim().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return Optional.of(Boolean.parseBoolean(text));
            }
        }
        error(path, "found " + describe(node) + "; expected true or false");
        return Optional.empty();
    }

    /** An object, or empty (with a problem) when something else is there. */
    /** An object that must be there: an error naming {@code expected} when it is missing, as {@link #object} else. */
    public Optional<JsonNode> requiredObject(JsonNode node, String path, String expected) {
        if (absent(node)) {
            error(path, "missing; expected " + expected);
            return Optional.empty();
        }
        return object(node, path);
    }

    public Optional<JsonNode> object(JsonNode node, String path) {
        if (absent(node)) {
            return Optional.empty();
        }
        if (node.isObject()) {
            return Optional.of(node);
        }
        error(path, "found " + describe(node) + "; expected an object");
        return Optional.empty();
    }

    /** The elements of an array, or empty (with a problem) when something else is there. */
    public Optional<List<JsonNode>> array(JsonNode node, String path) {
        if (absent(node)) {
            return Optional.empty();
        }
        if (node.isArray()) {
            List<JsonNode> elements = new ArrayList<>();
            node.forEach(elements::add);
            return Optional.of(elements);
        }
        error(path, "found " + describe(node) + "; expected a list");
        return Optional.empty();
    }

    /** A list of strings (DMS writes numbers too; they are taken as text). */
    public Optional<List<String>> textList(JsonNode node, String path) {
        return array(node, path).map(elements -> {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < elements.size(); i++) {
                text(elements.get(i), index(path, i)).ifPresentOrElse(values::add,
                        () -> values.add(null));
            }
            return values.contains(null) ? null : values;
        });
    }

    /** Short description of a node for "found …" messages. Strings are quoted; long ones cut. */
    public static String describe(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case STRING -> "'" + (node.asText().length() > 60 ? node.asText().substring(0, 57) + "..." : node.asText()) + "'";
            case NULL, MISSING -> "nothing";
            default -> node.asText();
        };
    }

    public static String oneOf(Collection<String> names) {
        return names.stream().collect(Collectors.joining(", "));
    }
}

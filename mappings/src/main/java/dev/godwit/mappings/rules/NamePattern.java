package dev.godwit.mappings.rules;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A DMS name pattern: SQL {@code LIKE} ({@code %} any run, {@code _} one character) plus SQL Server bracket classes
 * ({@code [ab]}, {@code [a-d]}, {@code [^ab]}, {@code [_]} for a literal underscore). Matching is case-sensitive
 * against the catalog spelling, as DMS documents.
 */
public final class NamePattern {

    private final String text;
    private final Pattern regex;
    private final boolean hasWildcards;

    private NamePattern(String text, Pattern regex, boolean hasWildcards) {
        this.text = text;
        this.regex = regex;
        this.hasWildcards = hasWildcards;
    }

    /**
     * @throws IllegalArgumentException if a bracket class is not closed or is empty
     */
    public static NamePattern of(String text) {
        StringBuilder regex = new StringBuilder();
        boolean wildcards = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%') {
                regex.append(".*");
                wildcards = true;
                i++;
            } else if (c == '_') {
                regex.append('.');
                wildcards = true;
                i++;
            } else if (c == '[') {
                int close = text.indexOf(']', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("'[' at position " + (i + 1) + " of '" + text
                            + "' is not closed; write [[] for a literal '['");
                }
                String body = text.substring(i + 1, close);
                regex.append(bracketClass(body));
                if (!isSingleLiteral(body)) {
                    wildcards = true;
                }
                i = close + 1;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return new NamePattern(text, Pattern.compile(regex.toString(), Pattern.DOTALL), wildcards);
    }

    private static boolean isSingleLiteral(String body) {
        return body.length() == 1 && body.charAt(0) != '^';
    }

    private static String bracketClass(String body) {
        StringBuilder out = new StringBuilder("[");
        int start = 0;
        if (body.startsWith("^") && body.length() > 1) {
            out.append('^');
            start = 1;
        }
        for (int k = start; k < body.length(); k++) {
            char c = body.charAt(k);
            if (c == '-' && k > start && k < body.length() - 1) {
                out.append('-');
            } else {
                // Letters and digits must not be escaped (\d would be a digit class); everything else is.
                if (Character.isLetterOrDigit(c)) {
                    out.append(c);
                } else {
                    out.append('\\').append(c);
                }
            }
        }
        return out.append(']').toString();
    }

    public boolean matches(String name) {
        return regex.matcher(name).matches();
    }

    /** The pattern as written. */
    public String text() {
        return text;
    }

    /** True when the pattern can match more than one name ({@code %}, {@code _}, or a class of several characters). */
    public boolean hasWildcards() {
        return hasWildcards;
    }

    /** True when the pattern contains {@code %} or a multi-character class, i.e. is plainly meant as a wildcard. */
    public boolean hasBroadWildcards() {
        return text.indexOf('%') >= 0 || (hasWildcards && exactName().isEmpty());
    }

    /**
     * The one name this pattern stands for when read as an exact name: {@code _} taken literally, single-character
     * classes such as {@code [_]} unescaped. Empty when it holds {@code %} or a class of several characters.
     * Rules that DMS requires exact names for (explicit, filters, table-settings, define-primary-key) use this,
     * so {@code order_items} there means exactly {@code order_items}.
     */
    public Optional<String> exactName() {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%') {
                return Optional.empty();
            }
            if (c == '[') {
                int close = text.indexOf(']', i + 2);
                String body = close < 0 ? "" : text.substring(i + 1, close);
                if (!isSingleLiteral(body)) {
                    return Optional.empty();
                }
                out.append(body);
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return Optional.of(out.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NamePattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}

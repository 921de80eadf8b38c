package dev.godwit.mappings.task;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code source} and {@code target}: a libpq-style URL plus where the password comes from. Messages never echo
 * the URL, which may hold a password.
 */
final class EndpointParser {

    static final List<String> KEYS = List.of("url", "password", "passwordCommand");
    private static final int DEFAULT_PORT = 5432;
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String EXPECTED = "expected postgresql://user@host:port/database?param=value";

    private final Doc doc;
    private final Path baseDirectory;

    EndpointParser(Doc doc, Path baseDirectory) {
        this.doc = doc;
        this.baseDirectory = baseDirectory;
    }

    Optional<Endpoint> parse(JsonNode node, String path) {
        if (Doc.absent(node)) {
            doc.error(path, "missing; expected {url: postgresql://user@host:5432/database}");
            return Optional.empty();
        }
        if (node.isTextual()) {
            doc.error(path, "found a string; expected a map with url (and password or passwordCommand), e.g."
                    + " {url: postgresql://user@host:5432/database}");
            return Optional.empty();
        }
        if (doc.object(node, path).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(node, path, KEYS, "endpoint key");
        int before = doc.problems().size();
        Optional<String> url = doc.requiredText(node, "url", path, "postgresql://user@host:port/database");
        Optional<ParsedUrl> parsed = url.flatMap(u -> parseUrl(u, Doc.child(path, "url")));
        Optional<PasswordSource> password = password(node, path, parsed.flatMap(ParsedUrl::password));
        if (doc.problems().size() > before || parsed.isEmpty() || password.isEmpty()) {
            return Optional.empty();
        }
        ParsedUrl p = parsed.get();
        return Optional.of(new Endpoint(p.host, p.port, p.database, p.user, p.parameters, password.get()));
    }

    /** See {@link Endpoint#fromUrl}. */
    static Endpoint fromUrl(String url) {
        Problems problems = new Problems();
        Optional<ParsedUrl> parsed = new EndpointParser(new Doc(Path.of("command line"), problems), Path.of("."))
                .parseUrl(url, "url");
        if (!problems.isEmpty() || parsed.isEmpty()) {
            throw new IllegalArgumentException(problems.list().isEmpty() ? EXPECTED : problems.list().get(0).message());
        }
        ParsedUrl p = parsed.get();
        if (p.password().isPresent()) {
            throw new IllegalArgumentException("the URL holds a password, which every user of this host could read in"
                    + " its process list: take it out, and put it in ~/.pgpass or PGPASSWORD");
        }
        return new Endpoint(p.host, p.port, p.database, p.user, p.parameters, new PasswordSource.None());
    }

    private record ParsedUrl(String host, int port, String database, String user, Map<String, String> parameters,
                             Optional<String> password) {
    }

    private Optional<ParsedUrl> parseUrl(String url, String path) {
        String rest;
        if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else {
            doc.error(path, "the URL does not start with postgresql:// or postgres://; " + EXPECTED);
            return Optional.empty();
        }
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        String database = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            database = decode(rest.substring(slash + 1));
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            if (colon >= 0) {
                password = decode(userInfo.substring(colon + 1));
            }
        }
        if (rest.contains(",")) {
            doc.error(path, "the URL names several hosts; godwit connects to one server per endpoint");
            return Optional.empty();
        }
        String host = rest;
        int port = DEFAULT_PORT;
        Matcher hostPort = Pattern.compile("(\\[[^]]*]|[^:]*)(?::(.*))?").matcher(rest);
        if (hostPort.matches()) {
            host = hostPort.group(1);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            if (hostPort.group(2) != null) {
                try {
                    port = Integer.parseInt(hostPort.group(2));
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    doc.error(path, "the URL's port '" + hostPort.group(2) + "' is not a port number (1 to 65535)");
                    return Optional.empty();
                }
            }
        }
        host = decode(host);
        if (host.isEmpty()) {
            doc.error(path, "the URL names no host; " + EXPECTED);
            return Optional.empty();
        }
        if (user == null || user.isEmpty()) {
            doc.error(path, "the URL names no user; " + EXPECTED);
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
            if (key.equals("password")) {
                password = value;
            } else if (!Endpoint.SECRET_PARAMETERS.contains(key)) {
                parameters.put(key, value);
            }
        }
        // libpq's default database is the user's name.
        String db = database == null || database.isEmpty() ? user : database;
        return Optional.of(new ParsedUrl(host, port, db, user, parameters, Optional.ofNullable(password)));
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private Optional<PasswordSource> password(JsonNode node, String path, Optional<String> fromUrl) {
        JsonNode passwordNode = node.get("password");
        JsonNode commandNode = node.get("passwordCommand");
        boolean hasPassword = !Doc.absent(passwordNode);
        boolean hasCommand = !Doc.absent(commandNode);
        if (hasPassword && hasCommand) {
            doc.error(Doc.child(path, "passwordCommand"), "password and passwordCommand are both set; keep one");
            return Optional.empty();
        }
        if (fromUrl.isPresent() && (hasPassword || hasCommand)) {
            doc.error(Doc.child(path, hasPassword ? "password" : "passwordCommand"),
                    "the URL already holds a password; keep one of the two");
            return Optional.empty();
        }
        if (fromUrl.isPresent()) {
            return Optional.of(new PasswordSource.Literal(fromUrl.get()));
        }
        if (hasCommand) {
            return doc.requiredText(node, "passwordCommand", path, "a shell command that prints the password")
                    .map(PasswordSource.FromCommand::new);
        }
        if (!hasPassword) {
            return Optional.of(new PasswordSource.None());
        }
        String passwordPath = Doc.child(path, "password");
        if (!passwordNode.isValueNode()) {
            doc.error(passwordPath, "found " + (passwordNode.isObject() ? "an object" : "a list")
                    + "; expected ${env:NAME}, ${file:/path}, none, or the password itself");
            return Optional.empty();
        }
        String text = passwordNode.asText();
        if (text.isEmpty()) {
            doc.error(passwordPath, "is empty; omit it (or write none) to use PGPASSWORD or .pgpass");
            return Optional.empty();
        }
        if (text.equals("none")) {
            return Optional.of(new PasswordSource.None());
        }
        Matcher reference = REFERENCE.matcher(text);
        if (reference.matches()) {
            String target = reference.group(2).trim();
            if (reference.group(1).equals("env")) {
                if (!ENV_NAME.matcher(target).matches()) {
                    doc.error(passwordPath, "'" + target + "' is not an environment variable name");
                    return Optional.empty();
                }
                return Optional.of(new PasswordSource.FromEnvironment(target));
            }
            if (target.isEmpty()) {
                doc.error(passwordPath, "${file:} names no file; expected ${file:/path/to/secret}");
                return Optional.empty();
            }
            return Optional.of(new PasswordSource.FromFile(baseDirectory.resolve(target).normalize()));
        }
        if (text.startsWith("${")) {
            // Only the part before ':' is shown: the rest might be the secret itself.
            int colon = text.indexOf(':');
            doc.error(passwordPath, "unknown reference '" + (colon > 0 ? text.substring(0, colon + 1) + "…}" : "${…}")
                    + "'; expected ${env:NAME} or ${file:/path}");
            return Optional.empty();
        }
        return Optional.of(new PasswordSource.Literal(text));
    }
}

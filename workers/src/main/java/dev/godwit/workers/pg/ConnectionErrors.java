package dev.godwit.workers.pg;

import dev.godwit.mappings.task.Endpoint;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/** Turns a failed connection attempt into one line that names the server, the role and what to change. */
final class ConnectionErrors {
    private ConnectionErrors() {
    }

    static ConnectionFailure describe(String role, Endpoint endpoint, SQLException e) {
        String where = "cannot connect to the " + role + " " + endpoint.redacted() + ": ";
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String serverSaid = firstLine(e.getMessage());
        String advice = switch (state) {
            case "28P01" -> "the password was refused for role \"" + endpoint.user() + "\". Check " + role
                    + ".password in the task file (or PGPASSWORD / the .pgpass entry for this host).";
            case "28000" -> serverSaid + ". The server's pg_hba.conf has no line that lets role \"" + endpoint.user()
                    + "\" in from this host with this TLS mode: ask the DBA to add one (for CDC the same line must also "
                    + "allow replication connections to database \"" + endpoint.database() + "\").";
            case "3D000" -> "database \"" + endpoint.database() + "\" does not exist on that server. Check the database "
                    + "name in " + role + ".url.";
            case "42501" -> serverSaid + ". Grant the role CONNECT on the database: GRANT CONNECT ON DATABASE "
                    + quote(endpoint.database()) + " TO " + quote(endpoint.user()) + ";";
            case "53300" -> "the server has no free connection slots (max_connections). Lower settings.parallelism or "
                    + "raise max_connections.";
            default -> networkAdvice(e, endpoint, serverSaid);
        };
        return new ConnectionFailure(where + advice, e.getSQLState(), e);
    }

    /** What a failed connection attempt says of a restart of the server. */
    enum RestartSign {
        /** Nothing: a refused login, a host that does not resolve, a timeout, a TLS failure. */
        NONE,
        /** The server said it is starting up, shutting down or in recovery. */
        SAID,
        /** Nothing listened at its port, or it closed the connection during the start-up exchange. */
        NOT_LISTENING
    }

    static RestartSign restartSign(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57P03") || state.equals("57P01") || state.equals("57P02")) {
            return RestartSign.SAID;
        }
        if (!state.startsWith("08")) {
            return RestartSign.NONE;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
                    || t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return RestartSign.NONE;
            }
        }
        return RestartSign.NOT_LISTENING;
    }

    private static String networkAdvice(SQLException e, Endpoint endpoint, String serverSaid) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return tlsAdvice(t, endpoint);
            }
            if (t instanceof UnknownHostException) {
                return "the host name \"" + endpoint.host() + "\" does not resolve. Check the host in the URL.";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "nothing accepts connections at " + endpoint.host() + ":" + endpoint.port()
                        + ". Check host and port, that the server runs and listens there (listen_addresses), and that "
                        + "no firewall or security group blocks the port.";
            }
            if (t instanceof SocketTimeoutException) {
                return "the connection attempt timed out at " + endpoint.host() + ":" + endpoint.port()
                        + ". Check that the host is reachable from here (routes, firewalls, security groups).";
            }
        }
        return serverSaid;
    }

    /** A failed TLS handshake: what the driver's TLS layer said, and the URL parameters that decide it. */
    private static String tlsAdvice(Throwable t, Endpoint endpoint) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String mode = endpoint.parameters().getOrDefault("sslmode", "prefer");
        String rootCert = endpoint.parameters().get("sslrootcert");
        boolean certificate = root instanceof java.security.cert.CertificateException
                || String.valueOf(root.getMessage()).contains("PKIX") || String.valueOf(t.getMessage()).contains("PKIX");
        String what = certificate
                ? "the TLS handshake failed: the server's certificate could not be verified"
                + (rootCert == null ? " (no sslrootcert given)" : " against sslrootcert " + rootCert)
                : "the TLS handshake failed";
        return what + " (" + firstLine(root.getMessage()) + "). With sslmode=" + mode + ", sslrootcert must name "
                + "the CA that signed the server's certificate, and for verify-full the certificate must name the host "
                + "\"" + endpoint.host() + "\".";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}

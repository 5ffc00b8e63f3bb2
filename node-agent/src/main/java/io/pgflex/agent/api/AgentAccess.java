package io.pgflex.agent.api;

import io.pgflex.contracts.agent.NodeAgentApi;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may call what on a node agent: a pure decision over the caller's identity (the common name
 * of a client certificate issued by the platform CA, already verified by TLS), the instance a valid
 * WAL token was issued for, and the request's method and path. Every answer carries its reason.
 *
 * <p>Each service holds only the rights its work needs: provisioning creates, changes, restarts
 * and deletes instances and restores servers; ha-service alone replicates, clones, promotes,
 * fences and rejoins; backup-service alone starts base backups and sanity checks; a peer node
 * agent may only stream a base backup (the standby it builds); PostgreSQL's archive and restore
 * scripts may only move their own instance's WAL; maintenance-service alone moves an instance to another minor.
 */
public final class AgentAccess {
    public static final String PROVISIONING = "provisioning-service";
    public static final String HA = "ha-service";
    public static final String BACKUP = "backup-service";
    public static final String MONITORING = "monitoring-service";
    public static final String MAINTENANCE = "maintenance-service";
    /** Common names of node agents: {@code node-agent.<agent id>}. */
    public static final String AGENT_PREFIX = "node-agent.";

    private static final Set<String> READERS = Set.of(PROVISIONING, HA, BACKUP, MONITORING, MAINTENANCE);
    private static final String ID = "[A-Za-z0-9_-]+";
    /** The scratch instances of backup-service's restore drills: {@code drill-<8 hex>}. */
    private static final String DRILL = "drill-[0-9a-f]{8}";

    public record Decision(boolean allowed, String reason) {
        static Decision allow(String reason) {
            return new Decision(true, reason);
        }

        static Decision deny(String reason) {
            return new Decision(false, reason);
        }
    }

    /** One write route: method, path below the agent API base, the identities allowed, why. */
    private record Rule(String method, Pattern path, Set<String> callers, String purpose) {
        Rule(String method, String path, Set<String> callers, String purpose) {
            this(method, Pattern.compile("^" + path + "$"), callers, purpose);
        }
    }

    private static final Pattern WAL = Pattern.compile("^/instances/(" + ID + ")/wal/[^/]+$");
    private static final Pattern LOGS = Pattern.compile("^/instances/" + ID + "/logs(/[^/]+)?$");
    private static final Pattern BASEBACKUP = Pattern.compile("^/instances/" + ID + "/basebackup$");
    private static final List<Rule> WRITES = List.of(
            new Rule("PUT", "/instances/" + ID, Set.of(PROVISIONING), "creates and changes instances"),
            // restore drills: backup-service's own scratch instances, and only those
            new Rule("DELETE", "/instances/" + DRILL, Set.of(PROVISIONING, HA, BACKUP), "removes restore-drill instances"),
            new Rule("PUT", "/instances/" + DRILL + "/restore", Set.of(PROVISIONING, BACKUP), "restores drills"),
            new Rule("DELETE", "/instances/" + ID, Set.of(PROVISIONING, HA), "removes instances (servers, replaced standbys)"),
            new Rule("POST", "/instances/" + ID + "/restart", Set.of(PROVISIONING), "restarts instances"),
            new Rule("PUT", "/instances/" + ID + "/databases/[^/]+", Set.of(PROVISIONING), "creates databases"),
            new Rule("DELETE", "/instances/" + ID + "/databases/[^/]+", Set.of(PROVISIONING), "drops databases"),
            new Rule("PUT", "/instances/" + ID + "/replication", Set.of(HA), "sets replication"),
            new Rule("PUT", "/instances/" + ID + "/clone", Set.of(HA), "builds standbys"),
            new Rule("POST", "/instances/" + ID + "/promote", Set.of(HA), "promotes standbys"),
            new Rule("POST", "/instances/" + ID + "/fence", Set.of(HA), "fences primaries"),
            new Rule("POST", "/instances/" + ID + "/rejoin", Set.of(HA), "rejoins old primaries"),
            new Rule("POST", "/instances/" + ID + "/engine", Set.of(MAINTENANCE), "patches instances to another minor"),
            new Rule("POST", "/instances/" + ID + "/checkpoint", Set.of(HA, MAINTENANCE), "checkpoints primaries before a planned stop"),
            new Rule("POST", "/instances/" + ID + "/backups", Set.of(BACKUP), "starts base backups"),
            new Rule("POST", "/instances/" + ID + "/sanity", Set.of(BACKUP), "runs restore-drill sanity checks"),
            new Rule("POST", "/instances/" + ID + "/wal-switch", Set.of(BACKUP, PROVISIONING), "closes WAL segments"),
            new Rule("PUT", "/instances/" + ID + "/restore", Set.of(PROVISIONING), "restores servers"));

    private AgentAccess() {
    }

    /** The instance whose WAL {@code path} (as sent) moves, or null when it is no WAL call. */
    public static String walInstance(String path) {
        if (!path.startsWith(NodeAgentApi.BASE_PATH + "/")) {
            return null;
        }
        Matcher wal = WAL.matcher(path.substring(NodeAgentApi.BASE_PATH.length()));
        return wal.matches() ? wal.group(1) : null;
    }

    /**
     * @param identity the verified client certificate's common name, or null when the caller showed none
     * @param walTokenInstance the instance whose WAL token the caller presented (checked by the caller), or null
     * @param path the request path as sent (not decoded), without the query
     */
    public static Decision decide(String identity, String walTokenInstance, String method, String path) {
        // the HTTP server routes on the decoded, normalised path: a percent-escape, a matrix parameter (;…) or a
        // trailing slash would let a path the rules below do not recognise reach a route they guard; no agent
        // route needs any of them
        if (path.contains("%") || path.contains(";") || path.contains("/../") || path.endsWith("/..")
                || path.contains("/./") || path.contains("//") || (path.length() > 1 && path.endsWith("/"))) {
            return Decision.deny("encoded or relative path segments are refused");
        }
        if (!path.startsWith(NodeAgentApi.BASE_PATH + "/") && !path.equals(NodeAgentApi.BASE_PATH)) {
            return Decision.allow("not the agent API (health and metrics are open, read-only)");
        }
        String rest = path.substring(NodeAgentApi.BASE_PATH.length());
        Matcher wal = WAL.matcher(rest);
        if (wal.matches()) {
            if (walTokenInstance != null && walTokenInstance.equals(wal.group(1)) && (method.equals("PUT") || method.equals("GET"))) {
                return Decision.allow("the instance's own WAL token moves its own WAL");
            }
            return Decision.deny("WAL of instance " + wal.group(1) + " moves only with that instance's WAL token");
        }
        if (identity == null) {
            return Decision.deny("no client certificate of the platform CA");
        }
        if (identity.startsWith(AGENT_PREFIX)) {
            if (method.equals("POST") && BASEBACKUP.matcher(rest).matches()) {
                return Decision.allow("a peer node agent streams a base backup for the standby it builds");
            }
            return Decision.deny("a node agent may only stream base backups from another agent");
        }
        if (!READERS.contains(identity)) {
            return Decision.deny(identity + " is not a pgflex service");
        }
        if (LOGS.matcher(rest).matches()) {
            // the server's log holds its users' statements and names: only what serves them to the server's owner reads it
            if (!method.equals("GET")) {
                return Decision.deny("log files are only read");
            }
            return identity.equals(PROVISIONING) ? Decision.allow(identity + " serves the server's log files to its owner")
                    : Decision.deny("only provisioning-service reads instances' log files, not " + identity);
        }
        if (method.equals("GET")) {
            return Decision.allow(identity + " reads agent state");
        }
        for (Rule rule : WRITES) {
            if (rule.method().equals(method) && rule.path().matcher(rest).matches()) {
                return rule.callers().contains(identity)
                        ? Decision.allow(identity + " " + rule.purpose())
                        : Decision.deny("only " + String.join(", ", rule.callers().stream().sorted().toList()) + " "
                                + rule.purpose() + ", not " + identity);
            }
        }
        return Decision.deny(identity + " may not " + method + " " + rest);
    }
}

package io.pgflex.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code ./pgflex} asks Java for (the bash wrapper keeps prerequisites, build and processes):
 * <pre>
 *   ports [--write --layout loopback|hosts]
 *                         the stack's ports and layout as NAME=value lines; --write remembers them in ports.env with
 *                         the layout a start chose
 *   config                every component's configuration file and launch environment under config/
 *   signing-key           a new API token signing key; prints its key id
 *   jwks                  secrets/jwks.json: every signing key's public half
 *   token --subscription ID [--role Owner|Contributor|Reader] [--hours N]
 *   controldb-hba         the control-plane PostgreSQL's pg_hba.conf
 *   controldb-sql         psql input making each service's role and database (the superuser runs it)
 * </pre>
 * {@code $PGFLEX_HOME} names the stack's directory. Exit 2 on a usage error, with one line saying why.
 */
public final class Launcher {
    private final Path home;
    private final Map<String, String> env;

    Launcher(Path home, Map<String, String> env) {
        this.home = home;
        this.env = env;
    }

    public static void main(String[] args) {
        String home = System.getenv("PGFLEX_HOME");
        if (home == null || home.isBlank() || args.length == 0) {
            System.err.println("usage: PGFLEX_HOME=... launcher ports|config|signing-key|jwks|token|controldb-hba|controldb-sql ...");
            System.exit(2);
        }
        try {
            System.out.print(new Launcher(Path.of(home), System.getenv()).run(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    String run(String[] args) {
        return switch (args[0]) {
            case "ports" -> ports(args);
            case "config" -> config();
            case "signing-key" -> signingKey() + "\n";
            case "jwks" -> jwks();
            case "token" -> token(args) + "\n";
            case "controldb-hba" -> ControlDb.hba();
            case "controldb-sql" -> ControlDb.setupSql(LocalStack.SERVICES, new StackSecrets(home.resolve("secrets"))::existing);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        };
    }

    private StackPorts resolvePorts() {
        return StackPorts.forHome(home, env);
    }

    private String ports(String[] args) {
        boolean write = args.length > 1 && args[1].equals("--write");
        if (write && (args.length != 4 || !args[2].equals("--layout"))) {
            throw new IllegalArgumentException("usage: launcher ports --write --layout loopback|hosts");
        }
        StackPorts ports = write ? resolvePorts().withLayout(args[3]) : resolvePorts();
        if (write) {
            writePublic(home.resolve("ports.env"), ports.envFile());
        }
        return ports.envFile();
    }

    private LocalStack stack(StackSecrets secrets) {
        return new LocalStack(resolvePorts(), home, secrets);
    }

    private String config() {
        StackSecrets secrets = new StackSecrets(home.resolve("secrets"));
        // an installation from before the per-server probe passwords keeps its secret (probe-password)
        if (!secrets.exists("probe-secret") && secrets.exists("probe-password")) {
            StackSecrets.write(home.resolve("secrets/probe-secret"), secrets.get("probe-password"));
        }
        secrets.ensureMasterKey("backup-master-key");
        secrets.get("selfcheck-password");
        StringBuilder out = new StringBuilder();
        for (LocalStack.Component c : stack(secrets).components()) {
            StackSecrets.write(home.resolve("config").resolve(c.configName() + ".properties"), c.file().properties());
            StackSecrets.write(home.resolve("config").resolve(c.name() + ".env"), c.launch().envLines());
            out.append(c.name()).append('\n');
        }
        return out.toString();
    }

    private Path jwtDir() {
        return home.resolve("secrets/jwt");
    }

    private String signingKey() {
        KeyPair keys = ApiTokens.newKeyPair();
        String kid = "k" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + "-"
                + HexFormat.of().formatHex(randomBytes(3));
        StackSecrets.write(jwtDir().resolve(kid + ".key"), ApiTokens.privatePem(keys.getPrivate()));
        writePublic(jwtDir().resolve(kid + ".pub"), ApiTokens.publicPem((RSAPublicKey) keys.getPublic()));
        return kid;
    }

    private String jwks() {
        Map<String, RSAPublicKey> keys = new TreeMap<>();
        try (DirectoryStream<Path> pubs = Files.newDirectoryStream(jwtDir(), "*.pub")) {
            for (Path p : pubs) {
                String name = p.getFileName().toString();
                keys.put(name.substring(0, name.length() - ".pub".length()), ApiTokens.readPublic(StackSecrets.read(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no signing key in " + jwtDir() + ": run ./pgflex up first");
        }
        String jwks = ApiTokens.jwks(keys) + "\n";
        writePublic(home.resolve("secrets/jwks.json"), jwks);
        return "";
    }

    private String token(String[] args) {
        String subscription = null;
        String role = "Owner";
        String hours = "12";
        boolean operator = false;
        java.util.List<String> rest = new java.util.ArrayList<>(java.util.List.of(args));
        if (rest.remove("--operator")) {
            operator = true;
            args = rest.toArray(String[]::new);
        }
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: ./pgflex token --subscription ID [--role Owner|Contributor|Reader] [--hours N]");
            }
            switch (args[i]) {
                case "--subscription" -> subscription = args[i + 1];
                case "--role" -> role = args[i + 1];
                case "--hours" -> hours = args[i + 1];
                default -> throw new IllegalArgumentException(
                        "usage: ./pgflex token --subscription ID [--role Owner|Contributor|Reader] [--hours N]");
            }
        }
        if (!hours.matches("[0-9]{1,4}") || Integer.parseInt(hours) < 1 || Integer.parseInt(hours) > 24) {
            throw new IllegalArgumentException("--hours must be 1 to 24 (the API refuses tokens that live longer)");
        }
        if (operator) {
            // a platform operator's token: the engine catalogue, no tenant's subscription
            String who = env.get("USER") == null || env.get("USER").isBlank() ? "local" : env.get("USER");
            return ApiTokens.mintOperatorWithStackKey(home, who, Duration.ofHours(Integer.parseInt(hours)));
        }
        if (subscription == null || subscription.isBlank()) {
            throw new IllegalArgumentException("usage: ./pgflex token --subscription ID [--role Owner|Contributor|Reader] [--hours N]"
                    + " | ./pgflex token --operator [--hours N]");
        }
        if (!role.matches("Owner|Contributor|Reader")) {
            throw new IllegalArgumentException("role must be Owner, Contributor or Reader");
        }
        if (!hours.matches("[0-9]{1,4}") || Integer.parseInt(hours) < 1 || Integer.parseInt(hours) > 24) {
            throw new IllegalArgumentException("--hours must be 1 to 24 (the API refuses tokens that live longer)");
        }
        String user = env.get("USER") == null || env.get("USER").isBlank() ? "local" : env.get("USER");
        return ApiTokens.mintWithStackKey(home, user, subscription, role, Duration.ofHours(Integer.parseInt(hours)));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    /** A file anyone may read (ports, public keys), written atomically. */
    private static void writePublic(Path f, String content) {
        StackSecrets.write(f, content);
        try {
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

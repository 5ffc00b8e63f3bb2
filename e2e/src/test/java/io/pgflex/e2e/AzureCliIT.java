package io.pgflex.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.testkit.Pki;
import io.pgflex.testkit.ScratchDirs;
import io.pgflex.testkit.Tokens;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Conformance with Microsoft's Azure CLI (Debian's {@code azure-cli} package, which {@code ./pgflex up} installs):
 * the gateway registered as a cloud, {@code az login --identity} against pgflex's managed-identity token endpoint
 * with a pgflex API token as the secret, then a server's whole life through {@code az postgres flexible-server}.
 * Each method checks one command group's result; one server lives through the ordered methods.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AzureCliIT {
    static final String SUB = "sub-e2e-azcli";
    static final String RG = "rg-azcli";
    static final String NAME = "azcli-one";
    static final String PASSWORD = "Az-Cli-Passw0rd!";
    static Path config;

    /** Runs {@code az args…} as this suite's signed-in user; returns its standard output, failing on a non-zero exit. */
    static String az(String... args) {
        Result r = run(args);
        if (r.exit() != 0) {
            throw new AssertionError("az " + String.join(" ", args) + " exited " + r.exit() + ": " + r.err());
        }
        return r.out();
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("az"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("AZURE_CONFIG_DIR", config.toString());
        env.put("AZURE_CORE_COLLECT_TELEMETRY", "false");
        env.put("AZURE_CORE_NO_COLOR", "true");
        env.put("REQUESTS_CA_BUNDLE", Pki.ca().toString()); // the platform CA, nothing else
        // az's managed identity in App Service's shape: pgflex's token endpoint, the secret a pgflex token
        env.put("APPSETTING_WEBSITE_SITE_NAME", "pgflex");
        env.put("MSI_ENDPOINT", Gateway.url() + "/_pgflex/identity/token");
        env.put("MSI_SECRET", Tokens.of(SUB, "Owner"));
        try {
            Path out = config.resolve("out.txt");
            Path err = config.resolve("err.txt");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("az " + String.join(" ", args) + " did not end within 5 minutes");
            }
            return new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("az is not installed (./pgflex up installs Debian's azure-cli): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonPath json(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-o", "json"));
        return JsonPath.from(az(all.toArray(String[]::new)));
    }

    @BeforeAll
    static void signIn() {
        config = ScratchDirs.create("azcli");
        String url = Gateway.url() + "/";
        az("cloud", "register", "--name", "pgflex", "--endpoint-resource-manager", url, "--endpoint-active-directory", url,
                "--endpoint-active-directory-resource-id", url, "--endpoint-active-directory-graph-resource-id", url,
                "--endpoint-management", url);
        az("cloud", "set", "--name", "pgflex");
    }

    @Test
    @Order(10)
    void signingInWithThePgflexTokenListsItsSubscription() {
        JsonPath accounts = json("login", "--identity");
        assertEquals(List.of(SUB), accounts.getList("id"));
        assertEquals(Tokens.TENANT, accounts.getString("[0].tenantId"));
    }

    @Test
    @Order(20)
    void createMakesTheGroupAndAServerThatTakesAConnection() throws Exception {
        JsonPath created = json("postgres", "flexible-server", "create", "--resource-group", RG, "--name", NAME,
                "--location", "local", "--admin-user", "azadmin", "--admin-password", PASSWORD,
                "--sku-name", "Standard_D2ds_v5", "--tier", "GeneralPurpose", "--storage-size", "32", "--version", "16",
                "--public-access", "None", "--yes");
        assertEquals("16", created.getString("version"));
        assertEquals("flexibleserverdb", created.getString("databaseName"));
        assertEquals("true", az("group", "exists", "--name", RG).trim());
        az("postgres", "flexible-server", "firewall-rule", "create", "--resource-group", RG, "--name", NAME,
                "--rule-name", "local", "--start-ip-address", "127.0.0.1", "--end-ip-address", "127.0.0.1");
        // az's own server model drops pgflex's properties.port: az rest reads the resource as the API answers it
        int port = Integer.parseInt(az("rest", "--method", "get", "--url", "/subscriptions/" + SUB + "/resourceGroups/" + RG
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + NAME + "?api-version=2025-08-01",
                "--query", "properties.port", "-o", "tsv").trim());
        try (Connection c = Stack.connect(port, "flexibleserverdb", "azadmin", PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            assertEquals("flexibleserverdb", rs.getString(1), "the database az created");
        }
    }

    @Test
    @Order(30)
    void updateSetsTags() {
        az("postgres", "flexible-server", "update", "--resource-group", RG, "--name", NAME, "--tags", "env=azcli");
        assertEquals("azcli", json("postgres", "flexible-server", "show", "--resource-group", RG, "--name", NAME)
                .getString("tags.env"));
    }

    @Test
    @Order(40)
    void aParameterSetIsReadBack() {
        az("postgres", "flexible-server", "parameter", "set", "--resource-group", RG, "--server-name", NAME,
                "--name", "work_mem", "--value", "8192");
        assertEquals("8192", json("postgres", "flexible-server", "parameter", "show", "--resource-group", RG,
                "--server-name", NAME, "--name", "work_mem").getString("value"));
    }

    @Test
    @Order(50)
    void aDatabaseIsCreatedWithAzuresDefaultsAndListed() {
        JsonPath db = json("postgres", "flexible-server", "db", "create", "--resource-group", RG, "--server-name", NAME,
                "--database-name", "appdb");
        assertEquals("en_US.utf8", db.getString("collation"));
        assertTrue(json("postgres", "flexible-server", "db", "list", "--resource-group", RG, "--server-name", NAME)
                .getList("name").contains("appdb"));
    }

    @Test
    @Order(60)
    void theSkusOfTheLocationAreListed() {
        assertTrue(json("postgres", "flexible-server", "list-skus", "--location", "local").getList("$").size() > 0);
    }

    @Test
    @Order(70)
    void stopAndStartEndInTheirStates() {
        az("postgres", "flexible-server", "stop", "--resource-group", RG, "--name", NAME);
        assertEquals("Stopped", json("postgres", "flexible-server", "show", "--resource-group", RG, "--name", NAME)
                .getString("state"));
        az("postgres", "flexible-server", "start", "--resource-group", RG, "--name", NAME);
        assertEquals("Ready", json("postgres", "flexible-server", "show", "--resource-group", RG, "--name", NAME)
                .getString("state"));
    }

    @Test
    @Order(80)
    void aMissingServerIsTheArmErrorAzShows() {
        Result r = run("postgres", "flexible-server", "show", "--resource-group", RG, "--name", "azcli-none");
        assertEquals(3, r.exit(), r.err()); // az's exit code for a missing resource
        assertTrue(r.err().contains("ResourceNotFound"), r.err());
    }

    @Test
    @Order(90)
    void deleteRemovesTheServerThenTheEmptyGroup() {
        az("postgres", "flexible-server", "delete", "--resource-group", RG, "--name", NAME, "--yes");
        assertEquals(List.of(), json("postgres", "flexible-server", "list").getList("name"));
        az("group", "delete", "--name", RG, "--yes");
        assertEquals("false", az("group", "exists", "--name", RG).trim());
    }
}

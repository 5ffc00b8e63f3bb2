package io.pgflex.launcher;

import java.util.List;
import java.util.function.Function;

/**
 * The control-plane PostgreSQL's access rules and accounts (pure): TLS or nothing over TCP, one database and one
 * login role per service, each role reaching only the database of its own name; the superuser only over the 0700
 * socket directory. {@code ./pgflex up} writes {@link #hba()} into the data directory and feeds {@link #setupSql} to
 * psql as the superuser, on every start (re-runnable: a rotated password is set again).
 */
public final class ControlDb {
    private ControlDb() {
    }

    /** The database (and role) of a service: {@code provisioning-service} → {@code provisioning}. */
    public static String database(String service) {
        return service.substring(0, service.length() - "-service".length());
    }

    public static String hba() {
        return """
                # written by ./pgflex up (launcher's ControlDb): TLS or nothing over TCP, a service's role only into its own database
                local    all       postgres                 trust
                hostssl  sameuser  all       127.0.0.1/32   scram-sha-256
                """;
    }

    /** psql input: each service's role (password from its secret {@code controldb-<db>}) and database, CONNECT for it alone. */
    public static String setupSql(List<String> services, Function<String, String> secret) {
        StringBuilder sql = new StringBuilder();
        for (String service : services) {
            String db = database(service);
            if (!db.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("not a database name: " + db);
            }
            String password = secret.apply("controldb-" + db).replace("'", "''");
            sql.append("SELECT 'CREATE ROLE ").append(db).append(" LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '")
                    .append(db).append("')\\gexec\n");
            sql.append("ALTER ROLE ").append(db).append(" PASSWORD '").append(password).append("';\n");
            sql.append("SELECT 'CREATE DATABASE ").append(db).append(" OWNER ").append(db)
                    .append("' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '").append(db).append("')\\gexec\n");
            sql.append("REVOKE CONNECT, TEMPORARY ON DATABASE ").append(db).append(" FROM PUBLIC;\n");
            sql.append("GRANT CONNECT ON DATABASE ").append(db).append(" TO ").append(db).append(";\n");
        }
        sql.append("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;\n");
        sql.append("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;\n");
        return sql.toString();
    }
}

package io.pgflex.agent.pgbouncer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * PgBouncer's admin console (database {@code pgbouncer}) over its Unix socket, spoken in the plain
 * PostgreSQL protocol: startup, trust, one simple query. JDBC drivers do not fit here (they send
 * SET commands the console refuses).
 */
final class AdminConsole {
    private AdminConsole() {
    }

    /** Runs {@code query} (e.g. SHOW POOLS) as {@code user}; every row as column → text. */
    static List<Map<String, String>> query(Path socket, String user, String query) throws IOException {
        try (AFUNIXSocket s = AFUNIXSocket.newInstance()) {
            s.connect(AFUNIXSocketAddress.of(socket.toFile()));
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            ByteArrayOutputStream startup = new ByteArrayOutputStream();
            DataOutputStream body = new DataOutputStream(startup);
            body.writeInt(196608); // protocol 3.0
            cstring(body, "user");
            cstring(body, user);
            cstring(body, "database");
            cstring(body, "pgbouncer");
            body.writeByte(0);
            out.writeInt(startup.size() + 4);
            startup.writeTo(out);
            out.flush();
            await(in, 'Z');
            byte[] q = (query + "\0").getBytes(StandardCharsets.UTF_8);
            out.writeByte('Q');
            out.writeInt(q.length + 4);
            out.write(q);
            out.flush();
            List<String> columns = new ArrayList<>();
            List<Map<String, String>> rows = new ArrayList<>();
            while (true) {
                char type = (char) in.readUnsignedByte();
                byte[] msg = new byte[in.readInt() - 4];
                in.readFully(msg);
                DataInputStream m = new DataInputStream(new java.io.ByteArrayInputStream(msg));
                switch (type) {
                    case 'T' -> {
                        int n = m.readUnsignedShort();
                        for (int i = 0; i < n; i++) {
                            columns.add(readCString(m));
                            m.skipBytes(18);
                        }
                    }
                    case 'D' -> {
                        int n = m.readUnsignedShort();
                        Map<String, String> row = new LinkedHashMap<>();
                        for (int i = 0; i < n; i++) {
                            int len = m.readInt();
                            String value = null;
                            if (len >= 0) {
                                byte[] v = new byte[len];
                                m.readFully(v);
                                value = new String(v, StandardCharsets.UTF_8);
                            }
                            row.put(columns.get(i), value);
                        }
                        rows.add(row);
                    }
                    case 'E' -> throw new IOException("PgBouncer: " + new String(msg, StandardCharsets.UTF_8).replace('\0', ' ').trim());
                    case 'Z' -> {
                        out.writeByte('X');
                        out.writeInt(4);
                        out.flush();
                        return rows;
                    }
                    default -> {
                        // CommandComplete, notices: nothing to keep
                    }
                }
            }
        }
    }

    /** Reads messages up to one of {@code type}; fails on an error or an authentication request other than OK. */
    private static void await(DataInputStream in, char type) throws IOException {
        while (true) {
            char t = (char) in.readUnsignedByte();
            byte[] msg = new byte[in.readInt() - 4];
            in.readFully(msg);
            if (t == 'E') {
                throw new IOException("PgBouncer: " + new String(msg, StandardCharsets.UTF_8).replace('\0', ' ').trim());
            }
            if (t == 'R' && (msg.length < 4 || msg[3] != 0)) {
                throw new IOException("PgBouncer asks the agent for a password: the admin console must trust it");
            }
            if (t == type) {
                return;
            }
        }
    }

    private static void cstring(DataOutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.writeByte(0);
    }

    private static String readCString(DataInputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.readUnsignedByte()) != 0) {
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}

package io.pgflex.agent.health;

import io.pgflex.agent.AgentConfig;
import io.pgflex.agent.instances.InstanceRecord;
import io.pgflex.agent.instances.InstanceStore;
import io.pgflex.agent.pgbouncer.PgBouncerManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * HAProxy's agent-check for the routers: a line {@code <serverId> <instanceId> [pgbouncer]} in, one
 * word out: {@code up} when that instance is the healthy, unfenced primary (and, for the PgBouncer
 * member, its PgBouncer runs), {@code down} otherwise, with the reason after {@code #}. HAProxy's
 * own check (a TCP connect to the member's port) still has to pass; an agent that does not answer
 * changes nothing, so restarting the agent keeps a serving primary in its endpoint.
 */
@ApplicationScoped
public class AgentCheckServer {
    private static final Logger LOG = Logger.getLogger(AgentCheckServer.class);

    private final AgentConfig config;
    private final PrimaryProbe probe;
    private final InstanceStore store;
    private final PgBouncerManager pgbouncer;
    /** A few threads and a bounded queue: a flood of checks is refused, it does not pile up sockets. */
    private final java.util.concurrent.ThreadPoolExecutor workers = new java.util.concurrent.ThreadPoolExecutor(4, 4,
            60, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(256), r -> {
                Thread t = new Thread(r, "pgflex-agent-check");
                t.setDaemon(true);
                return t;
            });
    /** The instances, read from disk at most every half second (checks come several times a second per member). */
    private volatile java.util.List<InstanceRecord> records = java.util.List.of();
    private volatile long recordsAt;
    private volatile ServerSocket socket;

    public AgentCheckServer(AgentConfig config, PrimaryProbe probe, InstanceStore store, PgBouncerManager pgbouncer) {
        this.config = config;
        this.probe = probe;
        this.store = store;
        this.pgbouncer = pgbouncer;
    }

    void start(@Observes StartupEvent event) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(config.checkAddress()), config.checkPort()), 128);
            socket = s;
        } catch (IOException e) {
            throw new UncheckedIOException("agent-check port " + config.checkPort() + " cannot be bound", e);
        }
        Thread acceptor = new Thread(this::accept, "pgflex-agent-check-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.infof("agent-check for routers on %s:%d", config.checkAddress(), port());
    }

    /** The port it listens on ({@code pgflex.agent.check-port}, or the one the system chose for 0). */
    public int port() {
        return socket == null ? config.checkPort() : socket.getLocalPort();
    }

    void stop(@Observes ShutdownEvent event) throws IOException {
        if (socket != null) {
            socket.close();
        }
        workers.shutdownNow();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                try {
                    workers.execute(() -> answer(client));
                } catch (java.util.concurrent.RejectedExecutionException full) {
                    client.close(); // no answer: HAProxy keeps the member as it is
                }
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warnf("agent-check: %s", e.getMessage());
                }
            }
        }
    }

    private void answer(Socket client) {
        try (client) {
            String line = readLine(client, 1000);
            String reply = line == null ? null : reply(line.trim());
            if (reply != null) {
                client.getOutputStream().write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            LOG.debugf("agent-check: %s", e.getMessage());
        }
    }

    /** One request line of at most 256 bytes within {@code millis} in all; null when it does not come. */
    private static String readLine(Socket client, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        java.io.InputStream in = client.getInputStream();
        StringBuilder line = new StringBuilder();
        while (line.length() < 256) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            client.setSoTimeout((int) left);
            int c;
            try {
                c = in.read();
            } catch (java.net.SocketTimeoutException e) {
                return null;
            }
            if (c < 0 || c == '\n') {
                return line.toString();
            }
            line.append((char) c);
        }
        return null;
    }

    private java.util.List<InstanceRecord> records() {
        if (System.nanoTime() - recordsAt > 500_000_000L) {
            records = store.records();
            recordsAt = System.nanoTime();
        }
        return records;
    }

    /** The agent-check answer to one request line; null for no answer (PostgreSQL too slow to tell). */
    String reply(String line) {
        String[] words = line.split("\\s+");
        if (words.length < 2) {
            return "down #expected: <serverId> <instanceId> [pgbouncer]";
        }
        Optional<InstanceRecord> instance = records().stream()
                .filter(r -> r.instanceId().equals(words[1]) && words[0].equals(r.serverId())).findFirst();
        if (instance.isEmpty()) {
            return "down #no such instance on this agent";
        }
        PrimaryProbe.Observation o = probe.observe(instance.get());
        if (!o.known()) {
            return null;
        }
        if (!o.primary()) {
            return "down #" + o.detail().replaceAll("[\\r\\n#]", " ");
        }
        if (words.length > 2 && "pgbouncer".equals(words[2]) && !pgbouncer.running(store.layout(words[1]))) {
            return "down #PgBouncer does not run";
        }
        return "up ready";
    }
}

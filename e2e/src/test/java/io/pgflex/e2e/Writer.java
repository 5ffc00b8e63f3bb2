package io.pgflex.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Several concurrent clients that each commit numbered rows through a server's endpoint (autocommit,
 * one row per transaction) and remember every row whose commit was acknowledged. A client whose
 * connection breaks reconnects to the same endpoint, as applications do. The longest stretch
 * without any acknowledgement is the outage as clients saw it.
 */
final class Writer implements AutoCloseable {
    private final int port;
    private final String user;
    private final String password;
    private final Thread[] threads;
    private volatile boolean running = true;
    final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastAck = new AtomicLong(System.nanoTime());
    private final AtomicLong longestGap = new AtomicLong();
    /** When the longest gap ended (nanoTime of the acknowledgement that ended it). */
    private final AtomicLong longestGapEnd = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private long firstId;
    /** The last error a client saw (for a test that waits in vain). */
    volatile String lastError;

    Writer(int port, String user, String password, int clients) throws SQLException {
        this.port = port;
        this.user = user;
        this.password = password;
        try (Connection c = Stack.connect(port, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS acked (id bigint PRIMARY KEY, client int NOT NULL,"
                    + " at timestamptz NOT NULL DEFAULT clock_timestamp())");
            // a writer after another on the same table goes on from the highest number used
            try (java.sql.ResultSet rs = s.executeQuery("SELECT coalesce(max(id) % 1000000000 + 1, 0) FROM acked")) {
                rs.next();
                firstId = rs.getLong(1) + 1_000_000; // past rows whose outcome a previous writer did not learn
            }
        }
        threads = new Thread[clients];
        for (int i = 0; i < clients; i++) {
            int client = i;
            threads[i] = new Thread(() -> write(client), "writer-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    private void write(int client) {
        long next = (long) client * 1_000_000_000L + firstId;
        Connection c = null;
        while (running) {
            try {
                if (c == null) {
                    Properties p = new Properties();
                    p.setProperty("user", user);
                    p.setProperty("password", password);
                    p.setProperty("sslmode", "require");
                    p.setProperty("connectTimeout", "1");
                    p.setProperty("loginTimeout", "2");
                    p.setProperty("socketTimeout", "2"); // a hung primary does not hold a client forever
                    c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO acked (id, client) VALUES (?, ?)")) {
                    ps.setLong(1, next);
                    ps.setInt(2, client);
                    ps.executeUpdate();
                }
                acknowledged.add(next); // committed and acknowledged
                long now = System.nanoTime();
                long before = lastAck.getAndSet(now);
                synchronized (longestGap) {
                    if (now - before > longestGap.get()) {
                        longestGap.set(now - before);
                        longestGapEnd.set(now);
                    }
                }
                next++;
            } catch (SQLException e) {
                errors.incrementAndGet();
                lastError = e.getMessage();
                next++; // the outcome of this row is unknown: never reuse its number
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (SQLException ignored) {
                    // broken anyway
                }
                c = null;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a client's reconnect pause
            }
        }
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // done
        }
    }

    int count() {
        return acknowledged.size();
    }

    /** The longest time without any acknowledged commit, in ms. */
    long longestGapMillis() {
        return TimeUnit.NANOSECONDS.toMillis(longestGap.get());
    }

    /** When the longest gap began and ended (nanoTime): the outage as the clients saw it. */
    long[] longestGapSpan() {
        synchronized (longestGap) {
            return new long[] {longestGapEnd.get() - longestGap.get(), longestGapEnd.get()};
        }
    }

    /** Resets the gap measurement (after setup). */
    void resetGap() {
        synchronized (longestGap) {
            lastAck.set(System.nanoTime());
            longestGap.set(0);
            longestGapEnd.set(0);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}

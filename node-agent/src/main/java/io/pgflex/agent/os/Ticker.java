package io.pgflex.agent.os;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * A task run on a daemon thread of its own every {@code interval} (after {@code delay}), for loops
 * that must react faster than Quarkus' scheduler does: its simple scheduler looks at its triggers
 * once a second, so an {@code every = "500ms"} runs once a second at best. A run that throws is
 * logged and the next one comes all the same; a run that takes longer delays the next (no overlap).
 */
public final class Ticker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Ticker.class);

    private final Thread thread;
    private volatile boolean running = true;

    public Ticker(String name, Duration delay, Duration interval, Runnable task) {
        thread = new Thread(() -> {
            pause(delay);
            while (running) {
                long next = System.nanoTime() + interval.toNanos();
                try {
                    task.run();
                } catch (Throwable e) { // an Error must not end a safety loop (the watchdog, self-fencing) for good
                    LOG.warnf("%s: %s", name, e.getMessage() == null ? e.toString() : e.getMessage());
                }
                pause(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}

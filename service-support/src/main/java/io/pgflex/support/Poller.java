package io.pgflex.support;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs a piece of work on its own thread every {@code interval}, and at once when nudged (after a
 * commit that gave it something to do). Quarkus' scheduler cannot run more often than once a
 * second; this keeps the latency of the outbox and of operations at milliseconds without busy polling.
 */
public final class Poller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Poller.class);

    private final Semaphore wake = new Semaphore(0);
    private final Duration interval;
    private final Runnable work;
    private final Thread thread;
    private volatile boolean running = true;

    public Poller(String name, Duration interval, Runnable work) {
        this.interval = interval;
        this.work = work;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Runs the work as soon as possible. */
    public void nudge() {
        wake.release();
    }

    private void loop() {
        while (running) {
            try {
                wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (running) {
                    work.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("%s: %s", thread.getName(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}

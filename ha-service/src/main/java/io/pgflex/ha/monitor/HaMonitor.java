package io.pgflex.ha.monitor;

import io.pgflex.ha.HaConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs every HA server's state machine ({@link HaCycle}) while this replica leads: each server's
 * cycle on a thread of its own (a long step never holds up another server's probes), at most one at
 * a time per server, again after the probe interval or as soon as the cycle asked for (a step to
 * retry after 50 ms, the first step of a failover at once). Servers are listed again every interval.
 */
@ApplicationScoped
public class HaMonitor {
    private static final Logger LOG = Logger.getLogger(HaMonitor.class);
    /** How often the loop looks for servers whose next cycle is due. */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final HaConfig config;
    private final HaCycle cycle;
    private final Observations seen;
    private final Leadership leader;
    private final ExecutorService pool = io.pgflex.ha.Daemons.pool("pgflex-ha");
    private final Set<UUID> busy = ConcurrentHashMap.newKeySet();
    /** When each server's next cycle is due (nanoTime). */
    private final Map<UUID, Long> due = new ConcurrentHashMap<>();
    private volatile Thread loop;

    public HaMonitor(HaConfig config, HaCycle cycle, Observations seen, Leadership leader) {
        this.config = config;
        this.cycle = cycle;
        this.seen = seen;
        this.leader = leader;
    }

    void start(@Observes StartupEvent event) {
        loop = new Thread(this::run, "pgflex-ha-monitor");
        loop.setDaemon(true);
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        Thread t = loop;
        loop = null;
        if (t != null) {
            t.interrupt();
        }
        pool.shutdownNow();
    }

    private void run() {
        long interval = config.probeInterval().toNanos();
        long listedAt = 0;
        List<UUID> ids = List.of();
        while (loop != null) {
            try {
                if (!leader.lead()) {
                    // what was seen while leading may be stale when this replica leads again (another may have failed over)
                    ids.forEach(cycle::forget);
                    ids = List.of();
                    due.clear();
                    TimeUnit.NANOSECONDS.sleep(interval);
                    continue;
                }
                long now = System.nanoTime();
                if (now - listedAt >= interval) {
                    List<UUID> before = ids;
                    ids = HaStore.watched();
                    listedAt = now;
                    Set<UUID> watched = Set.copyOf(ids);
                    due.keySet().retainAll(watched);
                    before.stream().filter(id -> !watched.contains(id)).forEach(cycle::forget);
                }
                for (UUID id : ids) {
                    // busy first, then the due time: a cycle that ends in between has set the next one
                    if (busy.add(id)) {
                        if (System.nanoTime() - due.getOrDefault(id, now) >= 0) {
                            pool.submit(() -> runCycle(id, interval));
                        } else {
                            busy.remove(id);
                        }
                    }
                }
                TimeUnit.NANOSECONDS.sleep(TICK_NANOS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("HA servers not looked at: %s", e.getMessage());
                try {
                    TimeUnit.NANOSECONDS.sleep(interval);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void runCycle(UUID id, long interval) {
        long started = System.nanoTime();
        Duration next = null;
        try {
            next = cycle.cycle(id);
        } catch (RuntimeException e) {
            seen.problem(id, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            // the usual cadence counts from the cycle's start; an asked-for delay from its end
            due.put(id, next == null ? started + interval : System.nanoTime() + next.toNanos());
            busy.remove(id);
        }
    }
}

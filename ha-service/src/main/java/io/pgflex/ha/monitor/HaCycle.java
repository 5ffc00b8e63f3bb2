package io.pgflex.ha.monitor;

import io.pgflex.ha.HaConfig;
import io.pgflex.ha.servers.HaServer;
import io.pgflex.ha.servers.HaState;
import io.pgflex.ha.steps.FailoverStep;
import io.pgflex.ha.steps.FailoverSteps;
import io.pgflex.ha.steps.StepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One cycle of one server's HA state machine: a failover or switchover under way runs its recorded
 * steps; otherwise a requested failover is decided, and the server's state says what to look at
 * (build the standby, watch it catch up, watch the primary, remove the standby). Returns when the
 * server wants its next cycle (null: after the usual probe interval).
 */
@ApplicationScoped
public class HaCycle {
    private static final Logger LOG = Logger.getLogger(HaCycle.class);

    private final HaConfig config;
    private final HaStore store;
    private final Observations seen;
    private final StandbyBuilder standby;
    private final PrimaryWatch watch;
    private final Requests requests;
    private final FailoverSteps steps;
    /** The step each server last paused before (fault injection: {@code pgflex.ha.step-pause}). */
    private final Map<UUID, String> paused = new ConcurrentHashMap<>();

    public HaCycle(HaConfig config, HaStore store, Observations seen, StandbyBuilder standby, PrimaryWatch watch,
                   Requests requests, FailoverSteps steps) {
        this.config = config;
        this.store = store;
        this.seen = seen;
        this.standby = standby;
        this.watch = watch;
        this.requests = requests;
        this.steps = steps;
    }

    Duration cycle(UUID id) {
        HaServer s = HaStore.load(id);
        if (s == null || s.primaryInstance == null) {
            forget(id);
            return null;
        }
        if (s.step != null) {
            if (s.pendingMode != null) {
                requests.handle(s); // a request during a failover joins it (or is refused), and ends with it
                s = HaStore.load(id);
                if (s == null) {
                    return null;
                }
            }
            return runSteps(s);
        }
        boolean wanted = !"Disabled".equals(s.haMode);
        if (!wanted && s.haState != HaState.NotEnabled && s.haState != HaState.RemovingStandby) {
            store.update(id, r -> r.haState = HaState.RemovingStandby);
            return null;
        }
        if (s.pendingMode != null) {
            requests.handle(s);
            return Duration.ZERO; // a started failover or switchover runs its first step at once
        }
        switch (s.haState) {
            case NotEnabled -> {
                if (wanted) {
                    standby.place(s);
                }
            }
            case CreatingStandby -> standby.create(s);
            case ReplicatingData -> {
                if (!s.running || watch.availability(s)) {
                    standby.catchUp(s);
                } else {
                    return PrimaryWatch.IN_DOUBT;
                }
            }
            case Healthy -> {
                if (s.standbyHeld(java.time.Instant.now())) {
                    // held while a look at it was under way: commits stop waiting for it (catchUp desyncs)
                    store.update(id, r -> r.haState = HaState.ReplicatingData);
                    return Duration.ZERO;
                }
                Duration next = watch.watch(s); // zero: a failover was started; short while the primary is silent
                if (next == null) {
                    seen.noProblem(id);
                }
                return next;
            }
            case RemovingStandby -> standby.remove(s);
            case FailingOver -> store.update(id, r -> r.haState = r.standbyInstance == null ? HaState.CreatingStandby
                    : HaState.ReplicatingData); // a failover without a step: ended before its state was written
        }
        seen.noProblem(id);
        return null;
    }

    /** Forgets what was observed of a server that is gone, no longer watched, or whose primary this replica no longer leads. */
    void forget(UUID id) {
        seen.forget(id);
        paused.remove(id);
        steps.forget(id);
    }

    /** Runs recorded steps one after the other while each says to go on; records each next step first. */
    private Duration runSteps(HaServer s) {
        while (true) {
            FailoverStep step = FailoverStep.recorded(s.step);
            if (step == null) {
                LOG.warnf("server %s: unknown step %s recorded: dropped", s.name, s.step);
                store.update(s.serverId, r -> r.step = null);
                return null;
            }
            String pause = s.stepStartedAt + "/" + step;
            if (!config.stepPause().isZero() && !Objects.equals(paused.put(s.serverId, pause), pause)) {
                LOG.infof("server %s: step %s recorded; pausing %s before it (fault injection)", s.name, step, config.stepPause());
                return config.stepPause();
            }
            StepResult result = steps.run(s, step);
            if (result.after() != null && result.next() == step) {
                LOG.debugf("server %s: step %s again in %s: %s", s.name, step, result.after(), result.reason());
                return result.after();
            }
            HaServer after = store.update(s.serverId, r -> {
                result.change().accept(r);
                r.step = result.next() == null ? null : result.next().name();
            }).orElse(null);
            if (after == null) {
                return null;
            }
            if (!result.continues()) {
                if (result.after() != null) {
                    LOG.debugf("server %s: step %s again in %s: %s", s.name, step, result.after(), result.reason());
                }
                return result.after();
            }
            s = after;
        }
    }
}

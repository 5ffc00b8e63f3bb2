package io.pgflex.ha.monitor;

import io.pgflex.contracts.agent.ReplicationStatus;
import io.pgflex.contracts.events.FailoverRefused;
import io.pgflex.ha.Agents;
import io.pgflex.ha.request.RequestDecision;
import io.pgflex.ha.servers.HaServer;
import io.pgflex.ha.steps.FailoverStep;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * A restart with failover a user asked for (recorded by the event listener as pending): the
 * standby's agent is asked, {@link RequestDecision} decides, and the request is started, joined to
 * the failover under way, or refused (FailoverRefused: the operation ends failed with the reason).
 */
@ApplicationScoped
public class Requests {
    private static final Logger LOG = Logger.getLogger(Requests.class);

    private final Agents agents;
    private final HaStore store;
    private final PrimaryWatch watch;
    private final Clock clock;

    public Requests(Agents agents, HaStore store, PrimaryWatch watch, Clock clock) {
        this.agents = agents;
        this.store = store;
        this.watch = watch;
        this.clock = clock;
    }

    void handle(HaServer s) {
        String mode = s.pendingMode;
        String op = s.pendingOperation;
        RequestDecision.Decision d = RequestDecision.decide(mode, s.haState, s.step, s.stepOperation != null, s.step == null && s.standbyInstance != null
                ? standby(s) : null);
        LOG.infof("server %s: %s (operation %s): %s — %s", s.name, mode, op, d.action(), d.reason());
        switch (d.action()) {
            // the request is cleared in the same transaction that records the first step
            case SWITCH_OVER -> watch.start(s, FailoverStep.SwitchFence, d.reason(), 0, op, r -> {
                r.pendingMode = null;
                r.pendingOperation = op; // completes once the old primary is the synchronous standby again
            });
            case FAIL_OVER -> watch.start(s, FailoverStep.Fence, d.reason(), 0, op, r -> {
                r.pendingMode = null;
                r.pendingOperation = null;
            });
            case JOIN -> store.update(s.serverId, r -> {
                r.pendingMode = null;
                r.pendingOperation = null;
                r.stepOperation = op; // FailoverCompleted carries it: the operation ends with the failover under way
            });
            case REFUSE -> store.update(s.serverId, r -> {
                r.pendingMode = null;
                r.pendingOperation = null;
                store.publishInTransaction(new FailoverRefused(r.serverId.toString(), r.subscriptionId, op,
                        FailoverRefused.VERSION, mode, d.reason(), clock.instant()));
            });
        }
    }

    private RequestDecision.Standby standby(HaServer s) {
        try {
            ReplicationStatus st = agents.quick(s.standbyAgent).replication(s.standbyInstance);
            return new RequestDecision.Standby(true, null, st.running(), st.fenced(), st.inRecovery(), st.walReceiverStreaming());
        } catch (RuntimeException e) {
            return RequestDecision.Standby.noAnswer(e.getMessage());
        }
    }
}

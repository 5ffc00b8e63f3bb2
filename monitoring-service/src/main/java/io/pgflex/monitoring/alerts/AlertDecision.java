package io.pgflex.monitoring.alerts;

import io.pgflex.monitoring.alerts.AlertRule.AlertState;
import io.pgflex.monitoring.alerts.AlertRule.Operator;

/**
 * What one evaluation of a rule does, as a pure function: fire once when the condition starts to
 * hold, resolve once when it stops; no data in the window changes nothing (as Azure does).
 */
public record AlertDecision(Action action, AlertState next, String reason) {
    public enum Action {
        Fire, Resolve, None
    }

    public static AlertDecision decide(AlertState current, Operator operator, double threshold, Double observed) {
        if (observed == null) {
            return new AlertDecision(Action.None, current, "no data in the window");
        }
        boolean holds = operator.holds(observed, threshold);
        String condition = observed + " " + operator + " " + threshold;
        if (holds && current != AlertState.Fired) {
            return new AlertDecision(Action.Fire, AlertState.Fired, condition + " holds");
        }
        if (!holds && current == AlertState.Fired) {
            return new AlertDecision(Action.Resolve, AlertState.Resolved, condition + " no longer holds");
        }
        return new AlertDecision(Action.None, holds ? AlertState.Fired : AlertState.Resolved,
                holds ? condition + " still holds" : condition + " does not hold");
    }
}

package io.pgflex.monitoring.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.monitoring.alerts.AlertDecision.Action;
import io.pgflex.monitoring.alerts.AlertRule.AlertState;
import io.pgflex.monitoring.alerts.AlertRule.Operator;
import org.junit.jupiter.api.Test;

class AlertDecisionTest {
    @Test
    void firesOnceWhenTheConditionStartsAndResolvesOnceWhenItEnds() {
        assertEquals(Action.Fire, AlertDecision.decide(AlertState.Unknown, Operator.GreaterThan, 10, 11.0).action());
        assertEquals(Action.None, AlertDecision.decide(AlertState.Fired, Operator.GreaterThan, 10, 12.0).action());
        assertEquals(Action.Resolve, AlertDecision.decide(AlertState.Fired, Operator.GreaterThan, 10, 10.0).action());
        assertEquals(Action.None, AlertDecision.decide(AlertState.Resolved, Operator.GreaterThan, 10, 3.0).action());
        assertEquals(AlertState.Resolved, AlertDecision.decide(AlertState.Unknown, Operator.GreaterThan, 10, 3.0).next());
    }

    @Test
    void noDataChangesNothing() {
        AlertDecision d = AlertDecision.decide(AlertState.Fired, Operator.LessThan, 1, null);
        assertEquals(Action.None, d.action());
        assertEquals(AlertState.Fired, d.next());
        assertEquals("no data in the window", d.reason());
    }

    @Test
    void operatorsCompareAsNamed() {
        assertEquals(Action.Fire, AlertDecision.decide(AlertState.Resolved, Operator.GreaterThanOrEqual, 5, 5.0).action());
        assertEquals(Action.None, AlertDecision.decide(AlertState.Resolved, Operator.LessThan, 5, 5.0).action());
        assertEquals(Action.Fire, AlertDecision.decide(AlertState.Resolved, Operator.LessThanOrEqual, 0, 0.0).action());
    }
}

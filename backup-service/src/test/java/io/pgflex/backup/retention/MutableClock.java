package io.pgflex.backup.retention;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The service's clock in tests: real time until a test moves it on. */
public class MutableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    public void advance(Duration d) {
        offset = offset.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    /** Replaces the support library's clock in this module's Quarkus tests. */
    public static class Producer {
        private static final MutableClock CLOCK = new MutableClock();

        @Produces
        @Singleton
        @jakarta.enterprise.inject.Typed(MutableClock.class)
        MutableClock mutable() {
            return CLOCK;
        }

        @Produces
        @Singleton
        @Alternative
        @Priority(10)
        Clock clock() {
            return CLOCK;
        }
    }
}

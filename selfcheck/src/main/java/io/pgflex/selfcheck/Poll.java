package io.pgflex.selfcheck;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Asks again (every 0.3 s, then up to every 2 s) until an answer comes or the time is up. */
final class Poll {
    private Poll() {
    }

    static <T> T until(Duration within, String what, Supplier<Optional<T>> ask) {
        long deadline = System.nanoTime() + within.toNanos();
        long pause = 300;
        while (true) {
            Optional<T> answer = ask.get();
            if (answer.isPresent()) {
                return answer.get();
            }
            if (System.nanoTime() > deadline) {
                throw new Failed(what + " did not happen within " + within.toSeconds() + " s");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failed("interrupted while waiting: " + what);
            }
            pause = Math.min(2_000, pause * 3 / 2);
        }
    }
}

package io.pgflex.selfcheck;

/** A check that did not hold, with the sentence that says what was seen instead. */
final class Failed extends RuntimeException {
    Failed(String why) {
        super(why);
    }
}

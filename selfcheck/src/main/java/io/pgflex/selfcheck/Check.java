package io.pgflex.selfcheck;

/** One behaviour of the running stack: what its line says when it holds, and the code that tries it. */
record Check(String says, Body body) {
    interface Body {
        /** Returns normally when the behaviour holds; throws {@link Failed} (or any exception) saying what was seen. */
        void run() throws Exception;
    }
}

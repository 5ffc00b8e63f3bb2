package io.pgflex.ha;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Thread pools of daemon threads with a name, for ha-service's loops and side calls. */
public final class Daemons {
    private Daemons() {
    }

    public static ExecutorService pool(String name) {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}

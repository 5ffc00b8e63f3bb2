package io.pgflex.selfcheck;

import java.nio.file.Path;
import java.util.List;

/**
 * The self-check of a running local stack, which {@code ./pgflex up} runs once every component is healthy (and so
 * {@code .ci/run}): first the trust boundary ({@link BoundaryChecks}: every check runs, each failure is listed),
 * then, if it holds, a real server's round trip ({@link ServerRoundTrip}: in order, the first failure ends it).
 * Prints one line per check, "ok" or "FAIL" and why. Exit 0: all held; 1: a check failed; 2: usage.
 * <pre>
 *   PGFLEX_HOME=... java -cp 'selfcheck/target/selfcheck.jar:selfcheck/target/lib/*' io.pgflex.selfcheck.SelfCheck PSQL
 * </pre>
 */
public final class SelfCheck {
    private SelfCheck() {
    }

    public static void main(String[] args) {
        String home = System.getenv("PGFLEX_HOME");
        if (home == null || home.isBlank() || args.length != 1) {
            System.err.println("usage: PGFLEX_HOME=... SelfCheck PATH_OF_PSQL");
            System.exit(2);
        }
        Stack stack;
        try {
            stack = new Stack(Path.of(home), System.getenv());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int failed = runAll(new BoundaryChecks(stack).checks());
        if (failed > 0) {
            System.out.println("    the trust boundary does not hold (" + failed + " check(s) failed): no server is created");
            System.exit(1);
        }
        ServerRoundTrip server = new ServerRoundTrip(stack, Path.of(args[0]));
        boolean held = runInOrder(server.checks());
        if (!held) {
            server.cleanUp();
            System.exit(1);
        }
        System.exit(0);
    }

    /** Runs every check; returns how many failed. */
    static int runAll(List<Check> checks) {
        int failed = 0;
        for (Check c : checks) {
            if (!run(c)) {
                failed++;
            }
        }
        return failed;
    }

    /** Runs the checks until one fails; whether all held. */
    static boolean runInOrder(List<Check> checks) {
        for (Check c : checks) {
            if (!run(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean run(Check c) {
        long started = System.nanoTime();
        try {
            c.body().run();
            System.out.printf("    ok   %s (%.1f s)%n", c.says(), (System.nanoTime() - started) / 1e9);
            return true;
        } catch (Failed f) {
            System.out.println("    FAIL " + c.says() + ": " + f.getMessage());
        } catch (Exception e) {
            System.out.println("    FAIL " + c.says() + ": " + e);
        }
        return false;
    }
}

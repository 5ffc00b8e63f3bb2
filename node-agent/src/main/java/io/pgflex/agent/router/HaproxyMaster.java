package io.pgflex.agent.router;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the router's HAProxy master process by what it runs — the program and its {@code -f}
 * configuration file — rather than trusting the pid file alone: across reloads (the master
 * re-executes itself) or a start that failed half-way, the pid file may name a process that is
 * gone or a worker. The master is the one whose parent is not HAProxy; its pid is written back to
 * the pid file, so the launcher's and the test kit's stop find it too.
 */
public final class HaproxyMaster {
    private HaproxyMaster() {
    }

    /** The master running {@code config}, if any; {@code pidFile} is corrected when it named another process. */
    public static Optional<Long> find(Path config, Path pidFile) {
        Optional<Long> fromFile = readPid(pidFile).filter(pid -> isMaster(pid, config));
        if (fromFile.isPresent()) {
            return fromFile;
        }
        Optional<Long> found = ProcessHandle.allProcesses().filter(p -> runs(p, config) && !parentIsHaproxy(p))
                .map(ProcessHandle::pid).findFirst();
        found.ifPresent(pid -> {
            try {
                Path next = pidFile.resolveSibling(pidFile.getFileName() + ".next");
                Files.writeString(next, pid + "\n");
                Files.move(next, pidFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // the pid file is a help for others; the master was found all the same
            }
        });
        return found;
    }

    /** Every HAProxy process (master and workers) running {@code config}. */
    public static List<ProcessHandle> all(Path config) {
        return ProcessHandle.allProcesses().filter(p -> runs(p, config)).toList();
    }

    static boolean isMaster(long pid, Path config) {
        return ProcessHandle.of(pid).filter(p -> runs(p, config) && !parentIsHaproxy(p)).isPresent();
    }

    private static boolean runs(ProcessHandle p, Path config) {
        if (!p.isAlive() || !p.info().command().map(HaproxyMaster::isHaproxy).orElse(false)) {
            return false;
        }
        String[] args = p.info().arguments().orElse(new String[0]);
        for (int i = 0; i + 1 < args.length; i++) {
            if ("-f".equals(args[i]) && Path.of(args[i + 1]).toAbsolutePath().normalize().equals(config.toAbsolutePath().normalize())) {
                return true;
            }
        }
        return false;
    }

    private static boolean parentIsHaproxy(ProcessHandle p) {
        return p.parent().flatMap(parent -> parent.info().command()).map(HaproxyMaster::isHaproxy).orElse(false);
    }

    /** The HAProxy program, also once a package upgrade replaced its file ("… (deleted)"). */
    private static boolean isHaproxy(String command) {
        return command.endsWith("haproxy") || command.endsWith("haproxy (deleted)");
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}

package io.pgflex.agent.metrics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an instance's processes (the postmaster and its children) use, read from /proc: CPU time,
 * proportional memory and storage I/O. Where the host has cgroups v2 the instance also runs in its
 * own cgroup, but the process tree works on every host (cgroup v1 and containers included).
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");
    /** USER_HZ: the unit of utime/stime in /proc/[pid]/stat (100 on every Linux architecture pgflex runs on). */
    static final long TICKS_PER_SECOND = 100;

    /** One reading. {@code cpuTicks} counts the live processes and the children the postmaster reaped. */
    record Reading(long cpuTicks, long pssBytes, Map<Long, Io> ioByPid) {
    }

    /** Bytes a process made the storage layer read and write (/proc/[pid]/io). */
    record Io(long readBytes, long writeBytes) {
    }

    private ProcessTree() {
    }

    static Reading read(long postmaster) throws IOException {
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster);
        long ticks = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : dir) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == postmaster) {
                    continue;
                }
                String[] stat = stat(pid);
                if (stat != null && Long.parseLong(stat[1]) == postmaster) {
                    pids.add(pid);
                }
            }
        }
        String[] own = stat(postmaster);
        if (own == null) {
            throw new IOException("postmaster " + postmaster + " is gone");
        }
        // fields after "(comm)": [0] state, [1] ppid, ..., [11] utime, [12] stime, [13] cutime, [14] cstime
        ticks += Long.parseLong(own[13]) + Long.parseLong(own[14]);
        long pss = 0;
        Map<Long, Io> io = new HashMap<>();
        for (long pid : pids) {
            String[] stat = stat(pid);
            if (stat == null) {
                continue;
            }
            ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
            pss += pss(pid);
            Io i = io(pid);
            if (i != null) {
                io.put(pid, i);
            }
        }
        return new Reading(ticks, pss, io);
    }

    /** The fields of /proc/[pid]/stat after the command name (which may hold spaces and parentheses). */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(PROC.resolve(pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return kib(line) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or a kernel without smaps_rollup: counted as 0
        }
        return 0;
    }

    private static Io io(long pid) {
        try {
            long read = -1;
            long write = -1;
            for (String line : Files.readAllLines(PROC.resolve(pid + "/io"))) {
                if (line.startsWith("read_bytes:")) {
                    read = Long.parseLong(line.substring(11).trim());
                } else if (line.startsWith("write_bytes:")) {
                    write = Long.parseLong(line.substring(12).trim());
                }
            }
            return read < 0 || write < 0 ? null : new Io(read, write);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /**
     * Storage I/O between two readings: per process, what it did since the previous reading (all of
     * it for a process that started since). I/O of a process that started and ended between two
     * readings is not seen.
     */
    static Io ioBetween(Map<Long, Io> before, Map<Long, Io> after) {
        long read = 0;
        long write = 0;
        for (Map.Entry<Long, Io> e : after.entrySet()) {
            Io prev = before.get(e.getKey());
            long r = e.getValue().readBytes() - (prev == null ? 0 : prev.readBytes());
            long w = e.getValue().writeBytes() - (prev == null ? 0 : prev.writeBytes());
            read += Math.max(0, r);
            write += Math.max(0, w);
        }
        return new Io(read, write);
    }
}

package io.pgflex.agent.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgflex.contracts.events.SlowQuery;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows one instance's structured server log (jsonlog from PostgreSQL 15, csvlog before) and
 * turns what was appended since the last read into slow queries and connection counts. Files are
 * read from where the previous read stopped; on the first read after the agent started, existing
 * content is skipped (it was reported before, or is too old to matter).
 */
final class ServerLog {
    static final int MAX_QUERY_CHARS = 4000;
    private static final int MAX_READ = 8 * 1024 * 1024;
    private static final Pattern DURATION = Pattern.compile(
            "^duration: ([0-9.]+) ms  (?:statement|execute [^:]*): (.*)$", Pattern.DOTALL);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");
    /** SQLSTATEs of refused connections: bad password, no pg_hba entry, too many connections, no such database. */
    private static final Set<String> REFUSED = Set.of("28P01", "28000", "53300", "3D000");

    /** One log entry's fields pgflex uses. */
    record Entry(Instant time, String user, String database, int pid, String severity, String sqlState, String message) {
    }

    /** What the log said since the previous read. */
    record Summary(List<SlowQuery> slowQueries, int connectionsSucceeded, int connectionsFailed) {
    }

    private final Path dir;
    private final String extension;
    private final Set<String> internalRoles;
    private final ObjectMapper json;
    private final Map<Path, Long> offsets = new HashMap<>();
    private boolean primed;

    ServerLog(Path dir, boolean jsonlog, Set<String> internalRoles, ObjectMapper json) {
        this.dir = dir;
        this.extension = jsonlog ? ".json" : ".csv";
        this.internalRoles = internalRoles;
        this.json = json;
    }

    Summary read() {
        List<Entry> entries = new ArrayList<>();
        Map<Path, Long> seen = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + extension)) {
            for (Path file : files) {
                Long previous = offsets.get(file);
                try {
                    long size = Files.size(file);
                    long from = previous == null ? (primed ? 0L : size) : previous;
                    if (size < from) {
                        from = 0L; // truncated on rotation: a new day's file
                    }
                    seen.put(file, from + readFrom(file, from, size, entries));
                } catch (IOException e) {
                    // rotated or removed while read: where it stood is kept, the next read goes on from there
                    if (previous != null) {
                        seen.put(file, previous);
                    }
                }
            }
        } catch (IOException e) {
            // no log directory yet: nothing to say
        }
        offsets.clear();
        offsets.putAll(seen);
        primed = true;
        return summarize(entries);
    }

    /** Parses complete records from {@code from} on; returns the bytes consumed. */
    private long readFrom(Path file, long from, long size, List<Entry> out) throws IOException {
        if (size <= from) {
            return 0;
        }
        byte[] bytes = new byte[(int) Math.min(size - from, MAX_READ)];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(from);
            f.readFully(bytes);
        }
        long consumed = extension.equals(".json") ? parseJson(bytes, out) : parseCsv(bytes, out);
        // one record longer than a whole read (a multi-megabyte statement): skipped, or the file would stall here
        return consumed == 0 && bytes.length == MAX_READ ? MAX_READ : consumed;
    }

    private long parseJson(byte[] bytes, List<Entry> out) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                try {
                    JsonNode n = json.readTree(bytes, start, i - start);
                    out.add(new Entry(time(n.path("timestamp").asText()), n.path("user").asText(null),
                            n.path("dbname").asText(null), n.path("pid").asInt(), n.path("error_severity").asText(""),
                            n.path("state_code").asText(""), n.path("message").asText("")));
                } catch (IOException | RuntimeException e) {
                    // a line that is not an entry (cannot happen with jsonlog): skipped
                }
                start = i + 1;
            }
        }
        return start;
    }

    /** csvlog: one record per line except inside double quotes (messages may hold newlines). */
    private long parseCsv(byte[] bytes, List<Entry> out) {
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '"') {
                quoted = !quoted;
            } else if (b == '\n' && !quoted) {
                List<String> f = csvFields(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                if (f.size() > 13) {
                    try {
                        out.add(new Entry(time(f.get(0)), emptyToNull(f.get(1)), emptyToNull(f.get(2)),
                                Integer.parseInt(f.get(3).isEmpty() ? "0" : f.get(3)), f.get(11), f.get(12), f.get(13)));
                    } catch (RuntimeException e) {
                        // malformed record: skipped
                    }
                }
                start = i + 1;
            }
        }
        return start;
    }

    static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** "2026-11-24 15:36:26.123 UTC" (log_timezone is UTC on every pgflex instance). */
    static Instant time(String s) {
        String t = s.endsWith(" UTC") ? s.substring(0, s.length() - 4) : s;
        return LocalDateTime.parse(t, TIME).toInstant(ZoneOffset.UTC);
    }

    Summary summarize(List<Entry> entries) {
        List<SlowQuery> slow = new ArrayList<>();
        int succeeded = 0;
        int failed = 0;
        for (Entry e : entries) {
            boolean internal = e.user() != null && internalRoles.contains(e.user());
            if (e.message().startsWith("connection authorized:") && !internal) {
                succeeded++;
            } else if ("FATAL".equals(e.severity()) && REFUSED.contains(e.sqlState()) && !internal) {
                failed++;
            } else if ("LOG".equals(e.severity()) && !internal) {
                Matcher m = DURATION.matcher(e.message());
                if (m.matches()) {
                    String query = m.group(2);
                    slow.add(new SlowQuery(e.time(), e.database(), e.user(), e.pid(), Double.parseDouble(m.group(1)),
                            query.length() > MAX_QUERY_CHARS ? query.substring(0, MAX_QUERY_CHARS) : query));
                }
            }
        }
        return new Summary(slow, succeeded, failed);
    }
}

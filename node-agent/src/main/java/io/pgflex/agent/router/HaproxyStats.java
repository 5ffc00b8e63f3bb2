package io.pgflex.agent.router;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** HAProxy's {@code show stat} CSV, read: per backend, per server, its state and its last health and agent checks. */
public final class HaproxyStats {
    private HaproxyStats() {
    }

    /** A member's state (UP, DOWN, MAINT, …) and its last checks in words (null when HAProxy has none). */
    public record Member(String state, String lastCheck) {
    }

    /** backend → server → its state; empty when the text is not {@code show stat}'s. */
    public static Map<String, Map<String, Member>> parse(String csv) {
        Map<String, Map<String, Member>> out = new HashMap<>();
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return out;
        }
        List<String> header = List.of(lines.get(0).substring(2).split(","));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int status = header.indexOf("status");
        int check = header.indexOf("check_status");
        int desc = header.indexOf("last_chk");
        int agent = header.indexOf("agent_status");
        int agentDesc = header.indexOf("last_agt");
        if (px < 0 || sv < 0 || status < 0 || check < 0 || desc < 0) {
            return out;
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length <= Math.max(Math.max(desc, check), Math.max(px, Math.max(sv, status)))
                    || "BACKEND".equals(f[sv]) || "FRONTEND".equals(f[sv])) {
                continue;
            }
            String last = (f[check] + " " + f[desc]).trim();
            if (agent >= 0 && agentDesc >= 0 && agentDesc < f.length && agent < f.length && !f[agent].isEmpty()) {
                last += "; agent " + (f[agent] + " " + f[agentDesc]).trim();
            }
            out.computeIfAbsent(f[px], k -> new HashMap<>()).put(f[sv], new Member(f[status], last.isEmpty() ? null : last));
        }
        return out;
    }
}

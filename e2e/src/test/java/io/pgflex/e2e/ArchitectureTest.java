package io.pgflex.e2e;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structure rules of docs/architecture.md, checked on every build: the packages of a module depend on each other
 * in one direction only. Reads the compiled classes of every module of the reactor (this module is built last) with
 * ArchUnit, so a reference that needs no import (a fully qualified name) counts too, and finds every cycle as a strongly
 * connected component of the package graph (ArchUnit's own cycle rule reports only some of them).
 */
class ArchitectureTest {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    /** The first line of a top-level type's declaration. */
    private static final Pattern DECLARATION = Pattern.compile("^(public |final |abstract |sealed )*(class|record|interface|enum) ");

    @Test
    void noModuleHasAnImportCycleBetweenItsPackages() throws IOException {
        JavaClasses classes = new ClassFileImporter().importPaths(compiledModules());
        Map<String, Map<String, String>> graph = packageGraph(classes);
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected(graph)) {
            if (component.size() < 2) continue;
            StringBuilder s = new StringBuilder("packages that depend on each other: " + new TreeSet<>(component));
            for (String from : new TreeSet<>(component)) {
                graph.get(from).forEach((to, example) -> {
                    if (component.contains(to)) s.append("\n    ").append(from).append(" -> ").append(to).append(": ").append(example);
                });
            }
            cycles.add(s.toString());
        }
        assertTrue(cycles.isEmpty(), String.join("\n", cycles));
    }

    /**
     * A class of the product (src/main) longer than 300 lines says at its top why: a line "Why this long:" in its
     * first comment. Most of the time the answer is to split it.
     */
    @Test
    void everyClassAboveThreeHundredLinesSaysWhy() throws IOException {
        List<String> unexplained = new ArrayList<>();
        for (Path classes : compiledModules()) {
            Path sources = classes.getParent().getParent().resolve("src/main/java");
            try (var files = Files.walk(sources)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    int classLine = 0;
                    while (classLine < lines.size() && !DECLARATION.matcher(lines.get(classLine)).find()) {
                        classLine++;
                    }
                    boolean said = lines.subList(0, Math.min(classLine, lines.size())).stream()
                            .anyMatch(l -> l.contains("Why this long:"));
                    if (lines.size() > 300 && !said) {
                        unexplained.add(REPO.relativize(f) + " (" + lines.size() + " lines)");
                    }
                }
            }
        }
        assertTrue(unexplained.isEmpty(), "longer than 300 lines without a reason at the top: " + unexplained);
    }

    /** package → (package it depends on → one dependency that shows it), pgflex's packages only. */
    private static Map<String, Map<String, String>> packageGraph(JavaClasses classes) {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        for (JavaClass c : classes) {
            if (!c.getPackageName().startsWith("io.pgflex")) continue;
            Map<String, String> out = graph.computeIfAbsent(c.getPackageName(), k -> new TreeMap<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = d.getTargetClass().getPackageName();
                if (to.startsWith("io.pgflex") && !to.equals(c.getPackageName())) {
                    out.putIfAbsent(to, d.getDescription());
                }
            }
        }
        return graph;
    }

    /** Tarjan's strongly connected components of the package graph: every cycle lies inside one. */
    private static List<Set<String>> stronglyConnected(Map<String, Map<String, String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) visit(v, graph, index, low, stack, onStack, out);
        }
        return out;
    }

    private static void visit(String v, Map<String, Map<String, String>> graph, Map<String, Integer> index,
                              Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                visit(w, graph, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new HashSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }

    /**
     * target/classes of every module the parent pom lists except this one and those without main code (bench: only
     * benchmarks); a module not compiled yet fails.
     */
    private static List<Path> compiledModules() throws IOException {
        String pom = Files.readString(REPO.resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        List<Path> dirs = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).equals("e2e") || !Files.isDirectory(REPO.resolve(m.group(1)).resolve("src/main/java"))) {
                continue;
            }
            Path classes = REPO.resolve(m.group(1)).resolve("target/classes");
            assertTrue(Files.isDirectory(classes.resolve("io/pgflex")),
                    classes + " holds no compiled classes: build from the repository root (./mvnw verify)");
            dirs.add(classes);
        }
        assertTrue(dirs.size() >= 10, "modules read from pom.xml: " + dirs);
        return dirs;
    }
}

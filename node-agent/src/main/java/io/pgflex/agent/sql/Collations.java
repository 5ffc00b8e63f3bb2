package io.pgflex.agent.sql;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which collation a new UTF-8 database gets for the name a client asks for. Azure's default {@code en_US.utf8} (and
 * any {@code ll_CC.utf8}) must work on every host, also one whose C library has only the C locales: when the
 * instance's libc does not know the name, the engine's ICU provider (PostgreSQL 15 and later) gives the same language
 * rules ({@code en-US}), with the database's LC_COLLATE/LC_CTYPE at C.UTF-8. Pure: the instance's collations come in.
 */
public final class Collations {
    private Collations() {
    }

    /** How CREATE DATABASE gets it: a libc locale, or the ICU provider with an ICU locale (then libc is C.UTF-8). */
    public record Choice(String libcLocale, String icuLocale) {
        public boolean icu() {
            return icuLocale != null;
        }
    }

    /**
     * @param requested the client's name (null: pgflex's default C.UTF-8)
     * @param libc      the instance's libc collations usable with UTF-8 (pg_collation, provider c)
     * @param icu       the instance's ICU locales (pg_collation provider i, without the -x-icu suffix); empty before 15
     * @return the choice, or empty when neither offers the name
     */
    public static Optional<Choice> choose(String requested, Collection<String> libc, Collection<String> icu) {
        if (requested == null) {
            return Optional.of(new Choice("C.UTF-8", null));
        }
        String wanted = normalized(requested);
        for (String name : libc) {
            if (normalized(name).equals(wanted)) {
                return Optional.of(new Choice(name, null));
            }
        }
        String language = icuLocale(requested);
        if (language != null) {
            for (String locale : icu) {
                if (locale.equalsIgnoreCase(language)) {
                    return Optional.of(new Choice("C.UTF-8", locale));
                }
            }
        }
        return Optional.empty();
    }

    /** Every name {@link #choose} accepts: the libc ones and {@code ll_CC.utf8} for each ICU language-country locale. */
    public static List<String> offered(Collection<String> libc, Collection<String> icu) {
        TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(libc);
        for (String locale : icu) {
            String name = azureName(locale);
            if (name != null) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /** The name a database with ICU locale {@code en-US} shows: {@code en_US.utf8}; null for other ICU locales. */
    public static String azureName(String icuLocale) {
        if (icuLocale == null || !icuLocale.matches("^[a-z]{2,3}-[A-Z]{2}$")) {
            return null;
        }
        return icuLocale.replace('-', '_') + ".utf8";
    }

    /** {@code en_US.utf8}, {@code en_US.UTF-8}, {@code en-US} → {@code en-US}; null when it names no language. */
    static String icuLocale(String requested) {
        String base = requested.contains(".") ? requested.substring(0, requested.indexOf('.')) : requested;
        if (!base.matches("^[A-Za-z]{2,3}[_-][A-Za-z]{2}$")) {
            return null;
        }
        return base.substring(0, base.length() - 3).toLowerCase(Locale.ROOT) + "-" + base.substring(base.length() - 2)
                .toUpperCase(Locale.ROOT);
    }

    private static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replace("utf-8", "utf8");
    }
}

package io.pgflex.contracts.agent;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The collations a new UTF-8 database can have on an instance, and which one a client's name gets. Azure's default
 * {@code en_US.utf8} (any {@code ll_CC.utf8}) is taken from the engine's ICU ({@code en-US}, PostgreSQL 15 and later;
 * LC_COLLATE/LC_CTYPE are then C.UTF-8): ICU does not depend on the host, so the database works on whichever host its
 * primary moves to. Other names, and every name before 15, come from the C library: {@code libc} maps each catalog name
 * (pg_collation, aliases such as {@code en_US} included) to the locale it stands for. Pure; shared by the node agent
 * (which creates the database) and provisioning-service (which answers 400 before anything starts), so both judge a
 * name alike.
 *
 * @param libc the instance's libc collations usable with UTF-8: catalog name → OS locale (collcollate)
 * @param icu  the instance's ICU locales (without the -x-icu suffix); empty before PostgreSQL 15
 */
public record Collations(Map<String, String> libc, List<String> icu) {

    /** How CREATE DATABASE gets it: a libc locale, or the ICU provider with an ICU locale (libc then C.UTF-8). */
    public record Choice(String libcLocale, String icuLocale) {
        public boolean icu() {
            return icuLocale != null;
        }
    }

    /** The choice for {@code requested} (null: pgflex's default C.UTF-8), or empty when the instance has no such one. */
    public Optional<Choice> choose(String requested) {
        if (requested == null) {
            return Optional.of(new Choice("C.UTF-8", null));
        }
        String language = icuLocale(requested);
        if (language != null) {
            for (String locale : icu) {
                if (locale.equalsIgnoreCase(language)) {
                    return Optional.of(new Choice("C.UTF-8", locale));
                }
            }
        }
        String wanted = normalized(requested);
        for (Map.Entry<String, String> c : libc.entrySet()) {
            if (normalized(c.getKey()).equals(wanted)) {
                return Optional.of(new Choice(c.getValue(), null));
            }
        }
        return Optional.empty();
    }

    /** Every name {@link #choose} accepts in the usual spelling, for error messages: libc names and ll_CC.utf8. */
    public List<String> offered() {
        TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(libc.keySet());
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

    /** {@code en_US.utf8}, {@code en_US.UTF-8}, {@code en-US} → {@code en-US}; null when it names no language-country. */
    static String icuLocale(String requested) {
        String base = requested.contains(".") ? requested.substring(0, requested.indexOf('.')) : requested;
        String encoding = requested.contains(".") ? normalized(requested.substring(requested.indexOf('.') + 1)) : "utf8";
        if (!base.matches("^[A-Za-z]{2,3}[_-][A-Za-z]{2}$") || !encoding.equals("utf8")) {
            return null;
        }
        return base.substring(0, base.length() - 3).toLowerCase(Locale.ROOT) + "-" + base.substring(base.length() - 2)
                .toUpperCase(Locale.ROOT);
    }

    private static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replace("utf-8", "utf8");
    }
}

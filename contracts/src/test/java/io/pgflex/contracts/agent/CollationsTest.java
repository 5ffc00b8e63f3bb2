package io.pgflex.contracts.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.contracts.agent.Collations.Choice;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CollationsTest {
    /** pg_collation of a host whose C library has only the C locales (ucs_basic is libc with locale C before 17) */
    static final Map<String, String> C_ONLY = Map.of("C", "C", "POSIX", "POSIX", "C.utf8", "C.utf8", "ucs_basic", "C");
    /** … and of one that has en_US.utf8 (initdb also imports the alias en_US for it) */
    static final Map<String, String> WITH_EN_US = Map.of("C", "C", "POSIX", "POSIX", "C.utf8", "C.utf8",
            "en_US.utf8", "en_US.utf8", "en_US", "en_US.utf8");
    static final List<String> ICU = List.of("und", "en", "en-US", "de-DE");

    /** requested, host's libc (c-only / en-us), ICU (PostgreSQL 15+), expected libc locale, ICU locale (- none; ! refused) */
    @ParameterizedTest(name = "{0} on {1} (icu {2}) -> {3} / {4}")
    @CsvSource(nullValues = "null", value = {
            "null,        c-only, true,  C.UTF-8,    -",     // pgflex's default
            "en_US.utf8,  c-only, true,  C.UTF-8,    en-US", // Azure's default: ICU, whatever the host has
            "en_US.utf8,  en-us,  true,  C.UTF-8,    en-US", // ICU even where libc has it: the standby's host may not
            "en_US.UTF-8, c-only, true,  C.UTF-8,    en-US", // spelled the other way
            "en-US,       c-only, true,  C.UTF-8,    en-US",
            "de_DE.utf8,  c-only, true,  C.UTF-8,    de-DE",
            "en_US.utf8,  en-us,  false, en_US.utf8, -",     // PostgreSQL 13/14: the C library's
            "en_US,       en-us,  false, en_US.utf8, -",     // an alias: created with the locale it stands for
            "en_US.utf8,  c-only, false, !,          !",     // PostgreSQL 13/14 on a C-only host: refused
            "xx_YY.utf8,  c-only, true,  !,          !",     // nobody offers it
            "C.UTF-8,     c-only, true,  C.utf8,     -",
            "ucs_basic,   c-only, true,  C,          -",     // its locale, not its name
            "POSIX,       c-only, true,  POSIX,      -"})
    void choosesIcuForLanguageNamesThenLibcElseRefuses(String requested, String host, boolean icu, String libcLocale,
                                                      String icuLocale) {
        Optional<Choice> choice = new Collations(host.equals("c-only") ? C_ONLY : WITH_EN_US, icu ? ICU : List.of())
                .choose(requested);
        if (libcLocale.equals("!")) {
            assertEquals(Optional.empty(), choice);
        } else {
            assertEquals(new Choice(libcLocale, icuLocale.equals("-") ? null : icuLocale), choice.orElseThrow());
        }
    }

    @ParameterizedTest
    @CsvSource({"en-US, en_US.utf8", "de-DE, de_DE.utf8"})
    void anIcuLanguageCountryLocaleIsOfferedUnderItsAzureName(String icu, String offered) {
        assertEquals(offered, Collations.azureName(icu));
        assertTrue(new Collations(C_ONLY, ICU).offered().contains(offered));
    }
}

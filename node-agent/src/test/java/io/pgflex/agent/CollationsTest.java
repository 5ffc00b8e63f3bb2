package io.pgflex.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgflex.agent.sql.Collations;
import io.pgflex.agent.sql.Collations.Choice;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CollationsTest {
    static final List<String> C_ONLY = List.of("C", "POSIX", "C.utf8", "ucs_basic");
    static final List<String> WITH_EN_US = List.of("C", "POSIX", "C.utf8", "en_US.utf8");
    static final List<String> ICU = List.of("und", "en", "en-US", "de-DE");

    /** requested, libc of the host (c-only / en-us), ICU present, expected libc locale, expected ICU locale (- none, ! refused) */
    @ParameterizedTest(name = "{0} on {1} (icu {2}) -> {3} / {4}")
    @CsvSource(nullValues = "null", value = {
            "null,        c-only, true,  C.UTF-8,    -",     // pgflex's default
            "en_US.utf8,  en-us,  true,  en_US.utf8, -",     // the host's libc knows it: libc
            "en_US.UTF-8, en-us,  true,  en_US.utf8, -",     // spelled the other way
            "en_US.utf8,  c-only, true,  C.UTF-8,    en-US", // Azure's default on a C-only host: ICU
            "de_DE.utf8,  c-only, true,  C.UTF-8,    de-DE",
            "en_US.utf8,  c-only, false, !,          !",     // PostgreSQL 13/14: no ICU databases
            "xx_YY.utf8,  c-only, true,  !,          !",     // nobody offers it
            "C.UTF-8,     c-only, true,  C.utf8,     -",
            "POSIX,       c-only, true,  POSIX,      -"})
    void choosesLibcFirstThenIcuElseRefuses(String requested, String host, boolean icu, String libcLocale, String icuLocale) {
        Optional<Choice> choice = Collations.choose(requested, host.equals("c-only") ? C_ONLY : WITH_EN_US,
                icu ? ICU : List.of());
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
        org.junit.jupiter.api.Assertions.assertTrue(Collations.offered(C_ONLY, ICU).contains(offered));
    }
}

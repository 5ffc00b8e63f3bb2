package io.pgflex.backup.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WalNamesTest {
    @Test
    void findsNoGapAcrossATimelineSwitch() {
        // timeline 1 up to segment 0x12 (its last one only partial), timeline 2 from 0x12 on
        List<String> archived = List.of("000000010000000000000010", "000000010000000000000011",
                "000000010000000000000012.partial", "00000002.history", "000000020000000000000012", "000000020000000000000013");
        assertEquals(List.of(), WalNames.gaps("000000010000000000000010", archived));
    }

    @Test
    void reportsMissingSegments() {
        List<String> archived = List.of("000000010000000000000010", "000000010000000000000013", "000000010000000000000100");
        List<String> gaps = WalNames.gaps("000000010000000000000010", archived);
        assertEquals("000000010000000000000011", gaps.get(0));
        assertEquals("000000010000000000000012", gaps.get(1));
        assertEquals(20, gaps.size(), "at most 20 reported");
    }

    @Test
    void crossesTheLogBoundary() {
        // 16 MiB segments: 000000FF is the last segment of log 0, the next is log 1 segment 0
        List<String> archived = List.of("0000000100000000000000FE", "0000000100000000000000FF", "000000010000000100000000");
        assertEquals(List.of(), WalNames.gaps("0000000100000000000000FE", archived));
        assertEquals(List.of("0000000100000000000000FF"),
                WalNames.gaps("0000000100000000000000FE", List.of("0000000100000000000000FE", "000000010000000100000000")));
    }

    @Test
    void listsSegmentsAndPlacesLsns() {
        assertEquals(List.of("0000000200000000000000FF", "000000020000000100000000"),
                WalNames.segments("0000000200000000000000FF", "000000020000000100000000"));
        assertEquals("0000000000000003", WalNames.positionOf("0/3008AF0"));
        assertEquals("0000000100000000", WalNames.positionOf("1/0"));
    }
}

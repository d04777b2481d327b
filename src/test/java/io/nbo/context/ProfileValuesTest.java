package io.nbo.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileValuesTest {

    @Test
    void csvCellsGetTheirType() {
        assertThat(ProfileValues.fromText("42")).isEqualTo(42L);
        assertThat(ProfileValues.fromText("-3.5")).isEqualTo(-3.5);
        assertThat(ProfileValues.fromText("true")).isEqualTo(true);
        assertThat(ProfileValues.fromText("2024-05-01")).isEqualTo(LocalDate.parse("2024-05-01"));
        assertThat(ProfileValues.fromText("2026-10-01T10:00:00Z")).isEqualTo(Instant.parse("2026-10-01T10:00:00Z"));
        assertThat(ProfileValues.fromText("0")).isEqualTo(0L);
    }

    @Test
    void aLeadingZeroKeepsACellText() {
        assertThat(ProfileValues.fromText("01234")).isEqualTo("01234");
    }

    @Test
    void jsonValuesAreTypedAndBadOnesNamed() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("zip", "01234");
        raw.put("since", "2024-05-01");
        raw.put("huge", new BigInteger("123456789012345678901234567890"));
        raw.put("nested", Map.of("a", 1));
        raw.put("9bad", "x");
        Map<String, String> errors = new LinkedHashMap<>();

        Map<String, Object> typed = ProfileValues.normalize(raw, errors);

        assertThat(typed).containsEntry("zip", "01234").containsEntry("since", LocalDate.parse("2024-05-01")).hasSize(2);
        assertThat(errors).containsOnlyKeys("huge", "nested", "9bad");
        assertThat(errors.get("nested")).contains("an object");
    }

    @Test
    void storedValuesDecodeToWhatWasEncoded() {
        for (Object v : new Object[] {"gold", 34L, 1234.5, true, false, LocalDate.parse("2023-02-01"), Instant.parse("2026-10-01T10:00:00Z")}) {
            assertThat(ProfileValues.decode(ProfileValues.encode(v))).isEqualTo(v);
        }
    }
}

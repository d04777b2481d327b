package io.nbo.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading nbo.security.keys and matching a presented key against the hashes. */
class ApiKeysTest {

    static final String KEY = "a-key-of-forty-three-characters-0123456789";

    @Test
    void aKeyMatchesItsEntryAndNoOther() {
        ApiKeys keys = ApiKeys.parse("web:channel:" + ApiKeys.hash(KEY) + ", ops:marketer+admin:" + ApiKeys.hash("other"));

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.match(KEY)).hasValueSatisfying(e -> {
            assertThat(e.name()).isEqualTo("web");
            assertThat(e.roles()).containsExactly("channel");
        });
        assertThat(keys.match("other")).hasValueSatisfying(e -> assertThat(e.roles()).containsExactlyInAnyOrder("marketer", "admin"));
        assertThat(keys.match(KEY + " ")).isEmpty();
        assertThat(keys.match("")).isEmpty();
    }

    @Test
    void theHashIsTheSha256InHexAsSha256sumPrintsIt() {
        // printf %s abc | sha256sum
        assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiKeys.newKey()).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(ApiKeys.newKey());
    }

    @Test
    void entriesMaySitOnLinesOfTheirOwnAndTheHashInUpperCase() {
        ApiKeys keys = ApiKeys.parse("\n  web:channel:" + ApiKeys.hash(KEY).toUpperCase(java.util.Locale.ROOT) + "\n\nops:admin:" + ApiKeys.hash("x") + "\n");
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.match(KEY)).isPresent();
        assertThat(ApiKeys.parse("").size()).isZero();
        assertThat(ApiKeys.parse(null).size()).isZero();
    }

    @Test
    void aBadEntryIsNamedByPositionAndNameNeverByItsHash() {
        String hash = ApiKeys.hash(KEY);
        assertThatThrownBy(() -> ApiKeys.parse("web:channel:" + hash + ",ops:root:" + hash))
                .hasMessageContaining("entry 2 (ops)").hasMessageContaining("unknown role 'root'").hasMessageNotContaining(hash);
        assertThatThrownBy(() -> ApiKeys.parse("web:channel:" + hash.substring(1)))
                .hasMessageContaining("entry 1 (web)").hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> ApiKeys.parse("web:" + hash)).hasMessageContaining("NAME:ROLE[+ROLE...]:SHA256HEX");
        assertThatThrownBy(() -> ApiKeys.parse("web:channel:" + hash + ",web:admin:" + hash)).hasMessageContaining("used twice");
        assertThatThrownBy(() -> ApiKeys.parse("-web:channel:" + hash)).hasMessageContaining("the name");
    }

    @Test
    void theKeyIsNeverInTheRequestsText() {
        assertThat(new ApiKeyAuthenticationRequest(KEY).toString()).doesNotContain(KEY);
    }
}

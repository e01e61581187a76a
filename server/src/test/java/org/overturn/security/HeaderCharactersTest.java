package org.overturn.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/** The loops accept exactly what the firewall's own regular expressions accept. */
class HeaderCharactersTest {

    @Test
    void everyCodePointWhenAloneThenJudgedAsTheFirewallJudgesIt() {
        List<Integer> differ = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String one = new String(Character.toChars(cp));
            if (HeaderCharacters.NAMES.test(one) != StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(one)
                    || HeaderCharacters.HEADER_VALUES.test(one) != StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(one)
                    || HeaderCharacters.NAMES.test(one) != StrictHttpFirewall.ALLOWED_PARAMETER_NAMES.test(one)) {
                differ.add(cp);
            }
        }
        assertThat(differ).isEmpty();
        // the set is not trivial: controls are refused, a tab only in values, and unassigned code points everywhere
        assertThat(HeaderCharacters.NAMES.test("\t")).isFalse();
        assertThat(HeaderCharacters.HEADER_VALUES.test("\t")).isTrue();
        assertThat(HeaderCharacters.HEADER_VALUES.test("\u0000")).isFalse();
        assertThat(HeaderCharacters.HEADER_VALUES.test("\u0378")).isFalse();
    }

    @Test
    void mixedStringsWhenJudgedThenAsTheFirewall() {
        Random random = new Random(20261206);
        int[] pool = {'a', 'Z', '0', ' ', '=', '\t', '\n', 0x7f, 0x85, 0xa0, 0x378, 0xe9, 0x2028, 0xd800, 0xdc00, 0xfffe,
                0x1f600, 0xe0001, 0x10ffff};
        int refused = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                int cp = random.nextInt(4) == 0 ? random.nextInt(Character.MAX_CODE_POINT + 1) : pool[random.nextInt(pool.length)];
                s.appendCodePoint(cp);
            }
            String value = s.toString();
            assertThat(HeaderCharacters.NAMES.test(value)).as("name %s", value.codePoints().boxed().toList())
                    .isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_NAMES.test(value));
            assertThat(HeaderCharacters.HEADER_VALUES.test(value)).as("value %s", value.codePoints().boxed().toList())
                    .isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(value));
            refused += HeaderCharacters.HEADER_VALUES.test(value) ? 0 : 1;
        }
        assertThat(refused).isBetween(1_000, 19_000); // both kinds were tried
    }
}

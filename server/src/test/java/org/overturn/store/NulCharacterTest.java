package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A resource holding U+0000 is refused before the database sees it; the text "\u0000" (an escaped backslash) is not. */
class NulCharacterTest {

    @Test
    void holdsNulWhenEscapedNulThenTrueAndWhenEscapedBackslashBeforeItThenFalse() {
        assertThat(JdbcResourceStore.holdsNul("{\"a\":\"x\\u0000y\"}")).isTrue();
        assertThat(JdbcResourceStore.holdsNul("{\"a\":\"x\\\\u0000y\"}")).as("backslash, then the text u0000").isFalse();
        assertThat(JdbcResourceStore.holdsNul("{\"a\":\"x\\\\\\u0000y\"}")).as("a backslash, then a NUL").isTrue();
        assertThat(JdbcResourceStore.holdsNul("{\"a\":\"\\u00001\"}")).isTrue();
        assertThat(JdbcResourceStore.holdsNul("{\"a\":\"u0000\"}")).isFalse();
    }
}

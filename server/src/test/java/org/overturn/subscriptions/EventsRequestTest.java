package org.overturn.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.overturn.platform.ErrorCode;
import org.overturn.platform.OverturnException;

/** Subscription/$events' parameters as the edge converts them: each optional, numbers 1 or more, the IG's payloads. */
class EventsRequestTest {

    @Test
    void parseWhenNothingAskedThenFromTheFirstToTheLatestInTheSubscriptionsOwnContent() {
        assertThat(EventsRequest.parse("s1", null, " ", null)).isEqualTo(new EventsRequest("s1", null, null, null));
    }

    @Test
    void parseWhenNumbersAndContentGivenThenTyped() {
        assertThat(EventsRequest.parse("s1", " 2", "17", "id-only"))
                .isEqualTo(new EventsRequest("s1", 2L, 17L, EventsRequest.Content.ID_ONLY));
        assertThat(EventsRequest.parse("s1", null, null, "full-resource").content()).isEqualTo(EventsRequest.Content.FULL_RESOURCE);
        assertThat(EventsRequest.parse("s1", null, null, "empty").content()).isEqualTo(EventsRequest.Content.EMPTY);
    }

    @Test
    void parseWhenANumberIsNotOneOrMoreThen400NamingTheParameter() {
        for (String bad : new String[] {"0", "-3", "two", "1.5"}) {
            OverturnException since = catchThrowableOfType(() -> EventsRequest.parse("s1", bad, null, null), OverturnException.class);
            OverturnException until = catchThrowableOfType(() -> EventsRequest.parse("s1", null, bad, null), OverturnException.class);

            assertThat(since.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(since.getMessage()).isEqualTo("Parameter 'eventsSinceNumber' must be an event number (1 or more), not '" + bad + "'");
            assertThat(since.expression()).isEqualTo("eventsSinceNumber");
            assertThat(until.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(until.expression()).isEqualTo("eventsUntilNumber");
        }
    }

    @Test
    void parseWhenContentIsNotAPayloadOfTheIgThen400() {
        OverturnException e = catchThrowableOfType(() -> EventsRequest.parse("s1", null, null, "full"), OverturnException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.getMessage()).isEqualTo("Parameter 'content' must be empty, id-only or full-resource");
        assertThat(e.expression()).isEqualTo("content");
    }

    @Test
    void parseWhenEveryParameterIsWrongThenTheSinceNumberIsAnswered() {
        OverturnException e = catchThrowableOfType(() -> EventsRequest.parse("s1", "x", "y", "z"), OverturnException.class);

        assertThat(e.expression()).isEqualTo("eventsSinceNumber");
    }
}

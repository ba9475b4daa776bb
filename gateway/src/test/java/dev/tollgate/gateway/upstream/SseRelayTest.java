package dev.tollgate.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SseRelayTest {

    private static final String ROLE = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}],\"usage\":null}\n\n";
    private static final String TOKEN = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}],\"usage\":null}\n\n";
    private static final String LAST = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
    private static final String USAGE = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    @Test
    void stripsTheUsageChunkWhenTheClientDidNotAskForIt() {
        SseRelay relay = new SseRelay(false, () -> { });

        String out = relay.accept(Buffer.buffer(ROLE + TOKEN + LAST + USAGE + DONE)).toString()
                + relay.remainder();

        assertThat(out).isEqualTo(ROLE + TOKEN + LAST + DONE);
        assertThat(relay.usage().promptTokens()).isEqualTo(7);
        assertThat(relay.usage().completionTokens()).isEqualTo(1);
        assertThat(relay.finishReason()).isEqualTo("stop");
        assertThat(relay.complete()).isTrue();
    }

    @Test
    void keepsTheModelTheFirstChunkThatNamesOneNamed() {
        SseRelay relay = new SseRelay(false, () -> { });

        relay.accept(Buffer.buffer(ROLE + "data: {\"model\":\"llama-3\",\"choices\":[]}\n\n"
                + "data: {\"model\":\"other\",\"choices\":[]}\n\n" + DONE));

        assertThat(relay.model()).isEqualTo("llama-3");
    }

    @Test
    void forwardsTheUsageChunkWhenTheClientAskedForIt() {
        SseRelay relay = new SseRelay(true, () -> { });

        String out = relay.accept(Buffer.buffer(TOKEN + USAGE + DONE)).toString() + relay.remainder();

        assertThat(out).isEqualTo(TOKEN + USAGE + DONE);
    }

    @Test
    void holdsBackTheDoneMarkerAndWhatFollowsItUntilTheStreamEnds() {
        SseRelay relay = new SseRelay(true, () -> { });

        String now = relay.accept(Buffer.buffer(TOKEN + DONE + ": trailing comment\n\n")).toString();
        String later = relay.accept(Buffer.buffer("data: {\"late\":1}\n\ndata: tail-without-end")).toString();

        assertThat(now).isEqualTo(TOKEN);
        assertThat(later).isEmpty();
        assertThat(relay.complete()).isTrue();
        assertThat(relay.remainder().toString())
                .isEqualTo(DONE + ": trailing comment\n\n" + "data: {\"late\":1}\n\n" + "data: tail-without-end");
        assertThat(relay.remainder().length()).isZero();
    }

    @Test
    void holdsAPartialEventUntilItIsComplete() {
        SseRelay relay = new SseRelay(false, () -> { });

        Buffer first = relay.accept(Buffer.buffer(TOKEN.substring(0, 20)));
        Buffer second = relay.accept(Buffer.buffer(TOKEN.substring(20)));

        assertThat(first.length()).isZero();
        assertThat(second.toString()).isEqualTo(TOKEN);
        assertThat(relay.completion().toString()).isEqualTo("Hello");
    }

    @Test
    void signalsTheFirstTokenOnce() {
        AtomicInteger firstTokens = new AtomicInteger();
        SseRelay relay = new SseRelay(false, firstTokens::incrementAndGet);

        relay.accept(Buffer.buffer(ROLE));
        assertThat(firstTokens).hasValue(0);
        relay.accept(Buffer.buffer(TOKEN + TOKEN));

        assertThat(firstTokens).hasValue(1);
    }

    @Test
    void understandsCrlfSeparatedEvents() {
        SseRelay relay = new SseRelay(false, () -> { });
        String crlf = TOKEN.replace("\n\n", "\r\n\r\n");

        assertThat(relay.accept(Buffer.buffer(crlf)).toString()).isEqualTo(crlf);
    }

    @Test
    void reportsAStreamWithoutDoneAsIncomplete() {
        SseRelay relay = new SseRelay(false, () -> { });

        relay.accept(Buffer.buffer(TOKEN));

        assertThat(relay.complete()).isFalse();
        assertThat(relay.usage()).isNull();
    }

    @Test
    void takesTheTextOfCompletionChunksAndOfChoicesWhoseDeltaHasNoContent() {
        SseRelay relay = new SseRelay(false, () -> { });

        relay.accept(Buffer.buffer("data: {\"choices\":[{\"text\":\"Hel\"}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":null},\"text\":\"lo\"},"
                + "{\"delta\":{\"content\":7},\"text\":\"ignored\"}]}\n\n"));

        assertThat(relay.completion().toString()).isEqualTo("Hello");
    }

    @Test
    void joinsTheDataLinesOfAnEvent() {
        SseRelay relay = new SseRelay(false, () -> { });
        String event = "event: completion\ndata: {\"choices\":\ndata: [{\"delta\":{\"content\":\"Hi\"},"
                + "\"finish_reason\":\"stop\"}]}\n\n";

        assertThat(relay.accept(Buffer.buffer(event)).toString()).isEqualTo(event);
        assertThat(relay.completion().toString()).isEqualTo("Hi");
        assertThat(relay.finishReason()).isEqualTo("stop");
    }

    @Test
    void forwardsWhatIsNotJsonUntouchedAndLearnsNothingFromIt() {
        AtomicInteger firstTokens = new AtomicInteger();
        SseRelay relay = new SseRelay(false, firstTokens::incrementAndGet);
        String broken = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":1}\n\n";
        String comment = ": keep-alive\n\n";

        assertThat(relay.accept(Buffer.buffer(comment + broken)).toString()).isEqualTo(comment + broken);
        assertThat(relay.completion().toString()).isEmpty();
        assertThat(relay.usage()).isNull();
        assertThat(firstTokens).hasValue(0);
    }

    @Test
    void keepsAUsageChunkWhoseUsageIsNotAnObject() {
        SseRelay relay = new SseRelay(false, () -> { });
        String odd = "data: {\"choices\":[],\"usage\":\"n/a\"}\n\n";

        assertThat(relay.accept(Buffer.buffer(odd + DONE)).toString() + relay.remainder()).isEqualTo(odd + DONE);
        assertThat(relay.usage()).isNull();
    }

    @Test
    void readsTheDoneMarkerWithOrWithoutTheSpaceAfterTheColon() {
        SseRelay relay = new SseRelay(false, () -> { });

        relay.accept(Buffer.buffer("data:[DONE]\r\n\r\n"));

        assertThat(relay.complete()).isTrue();
    }
}

package dev.tollgate.evals.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {

    private static final Target SEARCH = new Target("acme", "llama", "ep-1", "production", "key_1",
            Map.of("feature", "search", "tier", "gold"));

    private static Selector parse(String json) throws Exception {
        return Selector.parse(new ObjectMapper().readTree(json));
    }

    @Test
    void anEmptySelectorMatchesEveryRequest() throws Exception {
        assertThat(parse("{}").matches(SEARCH)).isTrue();
        assertThat(Selector.parse(null)).isEqualTo(Selector.ANY);
    }

    @Test
    void everyNonEmptyListMustContainTheRequestsValue() throws Exception {
        assertThat(parse("{\"orgs\":[\"acme\",\"other\"],\"models\":[\"llama\"]}").matches(SEARCH)).isTrue();
        assertThat(parse("{\"orgs\":[\"acme\"],\"environments\":[\"staging\"]}").matches(SEARCH)).isFalse();
        assertThat(parse("{\"endpoints\":[\"ep-1\"]}").matches(
                new Target("acme", "llama", null, "production", "key_1", Map.of()))).isFalse();
    }

    @Test
    void everyTagMustBePresentWithItsValue() throws Exception {
        assertThat(parse("{\"tags\":{\"feature\":\"search\"}}").matches(SEARCH)).isTrue();
        assertThat(parse("{\"tags\":{\"feature\":\"chat\"}}").matches(SEARCH)).isFalse();
        assertThat(parse("{\"tags\":{\"missing\":\"x\"}}").matches(SEARCH)).isFalse();
    }

    @Test
    void refusesAnUnknownEnvironmentNamingTheField() {
        assertThatThrownBy(() -> parse("{\"environments\":[\"prod\"]}")).isInstanceOf(InvalidDefinition.class)
                .satisfies(e -> assertThat(((InvalidDefinition) e).field()).isEqualTo("selector.environments"));
    }
}

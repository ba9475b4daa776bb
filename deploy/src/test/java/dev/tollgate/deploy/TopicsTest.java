package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.schemas.TopicSpec;
import dev.tollgate.schemas.Topics;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The topics the gateway chart's hook and the compose stack create are exactly the event contract's. */
class TopicsTest {

    /** name, partitions, and "compact" or the retention in ms: what a deployment must get right. */
    record Topic(String name, int partitions, String policy) {
    }

    static List<Topic> contract() {
        List<Topic> topics = new ArrayList<>();
        for (TopicSpec spec : Topics.all()) {
            topics.add(new Topic(spec.name(), spec.partitions(),
                    spec.compacted() ? "compact" : Long.toString(spec.retention().toMillis())));
        }
        return topics;
    }

    @Test
    void theGatewayChartCreatesTheContractsTopics() {
        List<Topic> chart = new ArrayList<>();
        for (Map<String, Object> spec : Yaml.list(Yaml.file(Repo.chart("gateway").resolve("values.yaml")), "topics.specs")) {
            Object retention = spec.get("retentionMs");
            chart.add(new Topic((String) spec.get("name"), (Integer) spec.get("partitions"),
                    Boolean.TRUE.equals(spec.get("compacted")) ? "compact" : String.valueOf(retention)));
        }

        assertThat(chart).containsExactlyInAnyOrderElementsOf(contract());
    }

    @Test
    void theTopicsHookRunsKafkaTopicsForEachOfThem() {
        Manifest job = VllmModelChartTest.job(Charts.ofKind(Charts.render("gateway", "production"), "Job"),
                "tollgate-gateway-topics");
        String script = Yaml.<List<String>>at(VllmModelChartTest.container(job), "args").get(0);

        assertThat(job.annotations()).containsEntry("helm.sh/hook", "pre-install,pre-upgrade");
        assertThat(created(script)).containsExactlyInAnyOrderElementsOf(contract());
        assertThat(script).contains("--replication-factor 3");
    }

    @Test
    void theComposeStackCreatesTheContractsTopics() throws Exception {
        String script = Files.readString(Repo.file("compose/create-topics.sh"));

        assertThat(created(script)).containsExactlyInAnyOrderElementsOf(contract());
    }

    private static final Pattern CREATE = Pattern.compile(
            "--topic (\\S+) --partitions (\\d+)(?: --replication-factor \\d+)? --config cleanup\\.policy=(compact|delete)"
                    + "(?: --config retention\\.ms=(\\d+))?");

    private static List<Topic> created(String script) {
        List<Topic> topics = new ArrayList<>();
        Matcher m = CREATE.matcher(script);
        while (m.find()) {
            topics.add(new Topic(m.group(1), Integer.parseInt(m.group(2)),
                    m.group(3).equals("compact") ? "compact" : m.group(4)));
        }
        return topics;
    }
}

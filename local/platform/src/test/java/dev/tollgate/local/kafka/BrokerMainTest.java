package dev.tollgate.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Handler;
import java.util.logging.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BrokerMainTest {

    @Test
    void logsWarningsAndUpOnlySoKafkaSkipsTheMessagesItGuardsBehindDebugAndTrace() {
        Logger root = LogContext.getLogContext().getLogger("");
        Handler[] handlers = root.getHandlers();
        Level level = root.getLevel();
        try {
            BrokerMain.logWarningsOnly();

            org.slf4j.Logger requestLog = LoggerFactory.getLogger("kafka.request.logger");
            assertThat(requestLog.isDebugEnabled()).isFalse();
            assertThat(requestLog.isTraceEnabled()).isFalse();
            assertThat(LoggerFactory.getLogger("kafka.server.KafkaApis").isWarnEnabled()).isTrue();
        } finally {
            root.setHandlers(handlers);
            root.setLevel(level);
        }
    }
}

package dev.tollgate.cli.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Settings;
import dev.tollgate.cli.core.Table;
import picocli.CommandLine;

/** {@code tollgate config show}: where each setting comes from. The token's value is never shown. */
@CommandLine.Command(name = "config", description = "Show where the CLI connects and where each setting comes from.",
        subcommands = ConfigCommand.Show.class)
public final class ConfigCommand extends Group {

    @CommandLine.Command(name = "show", description = "Show the admin and streams URLs and the source of each "
            + "setting; the token only as set or not set.")
    static final class Show extends Command {
        @Override
        protected void execute() {
            Settings s = context().settings();
            Output out = output();
            if (out.json()) {
                ObjectNode node = Json.object();
                node.put("admin_url", s.adminUrl().toString()).put("admin_url_source", s.adminSource());
                node.put("streams_url", s.streamsUrl().toString()).put("streams_url_source", s.streamsSource());
                node.put("token_set", s.token() != null).put("token_source", s.tokenSource());
                node.put("config_file", s.configFile().toString());
                out.json(node);
                return;
            }
            Table table = Table.of("SETTING", "VALUE", "FROM");
            table.row("admin-url", s.adminUrl(), s.adminSource());
            table.row("streams-url", s.streamsUrl(), s.streamsSource());
            table.row("token", s.token() != null ? "set (hidden)" : "not set", s.token() != null ? s.tokenSource()
                    : "-");
            table.row("config file", s.configFile(), java.nio.file.Files.exists(s.configFile()) ? "read" : "absent");
            table.print(out.out());
        }
    }
}

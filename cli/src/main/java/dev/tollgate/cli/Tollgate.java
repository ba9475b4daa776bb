package dev.tollgate.cli;

import dev.tollgate.cli.access.CredentialsCommand;
import dev.tollgate.cli.alerts.AlertsCommand;
import dev.tollgate.cli.budgets.BudgetsCommand;
import dev.tollgate.cli.config.ConfigCommand;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Context;
import dev.tollgate.cli.core.ExitCode;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Settings;
import dev.tollgate.cli.evals.EvalsCommand;
import dev.tollgate.cli.registry.DeploymentCommand;
import dev.tollgate.cli.registry.RegistryCommand;
import dev.tollgate.cli.secrets.SecretsCommand;
import dev.tollgate.cli.tenancy.KeysCommand;
import dev.tollgate.cli.tenancy.OrgsCommand;
import dev.tollgate.cli.tenancy.TeamsCommand;
import dev.tollgate.cli.usage.UsageCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The {@code tollgate} command: the operator's tool over the gateway's admin API and the streams query API
 * (docs/cli.md). Each command group is a class of its feature's package, listed once in {@code subcommands} below.
 */
@CommandLine.Command(name = "tollgate", mixinStandardHelpOptions = true, versionProvider = Tollgate.Version.class,
        description = "Operate a Tollgate platform: orgs, teams and keys; the model registry and deployment status; "
                + "budgets and usage; alerts and silences; evals; admin credentials and secrets.",
        subcommands = {
                OrgsCommand.class,
                TeamsCommand.class,
                KeysCommand.class,
                RegistryCommand.class,
                DeploymentCommand.class,
                BudgetsCommand.class,
                UsageCommand.class,
                AlertsCommand.class,
                EvalsCommand.class,
                CredentialsCommand.class,
                SecretsCommand.class,
                ConfigCommand.class,
                AutoComplete.GenerateCompletion.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Connection: --admin-url (" + Settings.ENV_ADMIN_URL + "), --streams-url ("
                + Settings.ENV_STREAMS_URL + "), --token (" + Settings.ENV_TOKEN + "), or the config file "
                + "~/.config/tollgate/config (" + Settings.ENV_CONFIG + ").",
                "Exit codes: 0 ok, 1 error, 2 bad usage, 3 not found, 4 auth, 5 unreachable, 6 conflict.",
                "Shell completion: source <(tollgate generate-completion)"})
public final class Tollgate extends Group implements Command.HasContext {

    @CommandLine.Option(names = "--admin-url", scope = CommandLine.ScopeType.INHERIT, paramLabel = "URL",
            description = "The gateway's admin API (default: " + Settings.DEFAULT_ADMIN_URL + ").")
    void adminUrl(String value) {
        adminUrl = value;
        updateFlags();
    }

    @CommandLine.Option(names = "--streams-url", scope = CommandLine.ScopeType.INHERIT, paramLabel = "URL",
            description = "The streams query API (default: " + Settings.DEFAULT_STREAMS_URL + ").")
    void streamsUrl(String value) {
        streamsUrl = value;
        updateFlags();
    }

    @CommandLine.Option(names = "--token", scope = CommandLine.ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "The admin token. Prefer " + Settings.ENV_TOKEN + " or the config file: a flag shows in ps "
                    + "and the shell history.")
    void token(String value) {
        token = value;
        updateFlags();
    }

    @CommandLine.Option(names = "--config", scope = CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
            description = "A config file with admin-url=, streams-url= and token= lines (default: "
                    + "~/.config/tollgate/config).")
    void config(Path value) {
        config = value;
        updateFlags();
    }

    @CommandLine.Option(names = {"-o", "--output"}, scope = CommandLine.ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table (for people, the default) or json (for scripts).")
    void output(Output.Format value) {
        context.format(value);
    }

    private final Context context;
    private String adminUrl;
    private String streamsUrl;
    private String token;
    private Path config;

    Tollgate(Context context) {
        this.context = context;
    }

    @Override
    public Context context() {
        return context;
    }

    private void updateFlags() {
        context.flags(new Settings.Flags(adminUrl, streamsUrl, token, config));
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), Path.of(System.getProperty("user.home")), out, err));
    }

    /**
     * Runs one command line and returns its exit code; what {@link #main} does, without exiting, for tests.
     *
     * @param args the arguments
     * @param env  the environment to read settings from
     * @param home the home directory, for the default config file
     * @param out  standard output
     * @param err  standard error
     */
    public static int run(String[] args, Map<String, String> env, Path home, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(new Context(env, home, out, err));
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CliException failure) {
                err.println("error: " + failure.getMessage());
                if (failure.hint() != null) {
                    err.println(failure.hint());
                }
                err.flush();
                return failure.exitCode();
            }
            err.println("error: " + e);
            err.println("This is a bug in the tollgate CLI; please report it with the command line you ran.");
            err.flush();
            return ExitCode.ERROR;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The command tree; also what generates completion scripts and the help of every command. */
    public static CommandLine commandLine(Context context) {
        CommandLine cli = new CommandLine(new Tollgate(context));
        withHelpOptions(cli);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // '@FILE' is how JSON options read a file, as with curl -d @FILE (--definition @judge.json); picocli's own
        // argument files would splice the file's words into the command line instead.
        cli.setExpandAtFiles(false);
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    /** Gives every command of the tree {@code -h/--help} (and {@code -V/--version}), without repeating it on each. */
    private static void withHelpOptions(CommandLine command) {
        command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getSubcommands().values().forEach(Tollgate::withHelpOptions);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Tollgate.class.getPackage().getImplementationVersion();
            return new String[] {"tollgate " + (v == null ? "(development build)" : v)};
        }
    }
}

package dev.tollgate.cli.core;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command runs with: the settings flags, the environment, and the output streams. Clients are made on
 * first use, so a command that fails on its options never resolves settings, and {@code --help} never needs a
 * server.
 */
public final class Context {

    private final Map<String, String> env;
    private final Path home;
    private final PrintWriter out;
    private final PrintWriter err;
    private Settings.Flags flags = new Settings.Flags(null, null, null, null);
    private Output.Format format = Output.Format.table;
    private Settings settings;

    public Context(Map<String, String> env, Path home, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.home = home;
        this.out = out;
        this.err = err;
    }

    public void flags(Settings.Flags flags) {
        this.flags = flags;
        this.settings = null;
    }

    public void format(Output.Format format) {
        this.format = format;
    }

    public Settings settings() {
        if (settings == null) {
            settings = Settings.resolve(flags, env, home);
            settings.warnings().forEach(w -> {
                err.println("warning: " + w);
                err.flush();
            });
        }
        return settings;
    }

    public Output output() {
        return new Output(out, err, format);
    }

    /** The admin API client; fails with exit code {@link ExitCode#AUTH} when no token is set. */
    public ApiClient admin() {
        Settings s = settings();
        if (s.token() == null) {
            throw new CliException(ExitCode.AUTH, "No admin token is set.", "Set it with " + Settings.ENV_TOKEN
                    + " (./tollgate-local prints one), --token, or token= in " + s.configFile()
                    + ". 'tollgate config show' says where each setting comes from.");
        }
        return new ApiClient(ApiClient.Api.ADMIN, s.adminUrl(), s.token(), s.tokenSource());
    }

    /** The streams query API client; it needs no token. */
    public ApiClient streams() {
        Settings s = settings();
        return new ApiClient(ApiClient.Api.STREAMS, s.streamsUrl(), null, null);
    }
}

package dev.tollgate.cli.core;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where the CLI connects and with which token, resolved once per run, each value from the first of: its flag, its
 * environment variable, the config file, the default. The token is never printed; {@link #describe} says only
 * where it came from.
 *
 * @param adminUrl      the gateway's admin API base, e.g. {@code http://127.0.0.1:8080}
 * @param streamsUrl    the streams query API base, e.g. {@code http://127.0.0.1:8082}
 * @param token         the admin (or read-only) token, or null
 * @param adminSource   where {@code adminUrl} came from
 * @param streamsSource where {@code streamsUrl} came from
 * @param tokenSource   where {@code token} came from, or {@code not set}
 * @param configFile    the config file that was read, or would have been
 * @param warnings      things the operator should know (an unreadable or too open config file)
 */
public record Settings(URI adminUrl, URI streamsUrl, String token, String adminSource, String streamsSource,
                       String tokenSource, Path configFile, java.util.List<String> warnings) {

    public static final String ENV_ADMIN_URL = "TOLLGATE_ADMIN_URL";
    public static final String ENV_STREAMS_URL = "TOLLGATE_STREAMS_URL";
    public static final String ENV_TOKEN = "TOLLGATE_ADMIN_TOKEN";
    public static final String ENV_CONFIG = "TOLLGATE_CONFIG";
    public static final String DEFAULT_ADMIN_URL = "http://127.0.0.1:8080";
    public static final String DEFAULT_STREAMS_URL = "http://127.0.0.1:8082";

    /** What the flags said; null for a flag not given. */
    public record Flags(String adminUrl, String streamsUrl, String token, Path configFile) {
    }

    @Override
    public String toString() {
        return "Settings[adminUrl=" + adminUrl + ", streamsUrl=" + streamsUrl + ", token=" + tokenSource + "]";
    }

    /**
     * Resolves the settings.
     *
     * @param flags the command line's flags
     * @param env   the environment
     * @param home  the user's home directory, for the default config file
     */
    public static Settings resolve(Flags flags, Map<String, String> env, Path home) {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        boolean explicitFile = flags.configFile() != null || present(env.get(ENV_CONFIG));
        Path file = flags.configFile() != null ? flags.configFile()
                : present(env.get(ENV_CONFIG)) ? Path.of(env.get(ENV_CONFIG)) : defaultFile(env, home);
        Properties config = read(file, explicitFile, warnings);
        String fileLabel = "config file " + file;

        String[] admin = pick(flags.adminUrl(), "--admin-url", env.get(ENV_ADMIN_URL), ENV_ADMIN_URL,
                config.getProperty("admin-url"), fileLabel, DEFAULT_ADMIN_URL);
        String[] streams = pick(flags.streamsUrl(), "--streams-url", env.get(ENV_STREAMS_URL), ENV_STREAMS_URL,
                config.getProperty("streams-url"), fileLabel, DEFAULT_STREAMS_URL);
        String[] token = pick(flags.token(), "--token", env.get(ENV_TOKEN), ENV_TOKEN, config.getProperty("token"),
                fileLabel, null);
        if (token[0] != null && token[1].equals(fileLabel)) {
            warnIfOpen(file, warnings);
        }
        return new Settings(url(admin[0], admin[1]), url(streams[0], streams[1]), token[0], admin[1], streams[1],
                token[0] == null ? "not set" : token[1], file, java.util.List.copyOf(warnings));
    }

    /** The config file used when none is named: {@code $XDG_CONFIG_HOME/tollgate/config} or {@code ~/.config/...}. */
    static Path defaultFile(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = present(xdg) ? Path.of(xdg) : home.resolve(".config");
        return base.resolve("tollgate").resolve("config");
    }

    private static Properties read(Path file, boolean mustExist, java.util.List<String> warnings) {
        Properties p = new Properties();
        if (!Files.exists(file)) {
            if (mustExist) {
                throw CliException.usage("The config file " + file + " does not exist.",
                        "Create it with lines such as admin-url=http://127.0.0.1:8080 and token=..., or drop --config "
                                + "/ " + ENV_CONFIG + ".");
            }
            return p;
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            warnings.add("could not read the config file " + file + ": " + e.getMessage());
        }
        return p;
    }

    private static void warnIfOpen(Path file, java.util.List<String> warnings) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                warnings.add("the config file " + file + " holds a token and others can read it: chmod 600 " + file);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system: nothing to check
        }
    }

    private static String[] pick(String flag, String flagName, String env, String envName, String file,
                                 String fileLabel, String fallback) {
        if (present(flag)) {
            return new String[] {flag.strip(), flagName};
        }
        if (present(env)) {
            return new String[] {env.strip(), envName};
        }
        if (present(file)) {
            return new String[] {file.strip(), fileLabel};
        }
        return new String[] {fallback, "default"};
    }

    private static URI url(String value, String source) {
        try {
            URI uri = URI.create(value.replaceAll("/+$", ""));
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL with a host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw CliException.usage("'" + value + "' (from " + source + ") is not an http(s) URL with a host.",
                    "Use a URL such as " + DEFAULT_ADMIN_URL + ".");
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}

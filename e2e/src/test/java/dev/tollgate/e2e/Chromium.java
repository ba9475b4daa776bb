package dev.tollgate.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium and its driver from the system's packages (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs), found at {@code $CHROME_BIN} / {@code $CHROMEDRIVER} or the usual paths. Selenium
 * is told both paths, so it never tries to download a browser or a driver.
 */
final class Chromium {

    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private Chromium() {
    }

    /** The browser and driver paths, or empty with nothing installed. */
    static Optional<Path[]> installed() {
        Optional<Path> browser = find("CHROME_BIN", BROWSERS);
        Optional<Path> driver = find("CHROMEDRIVER", DRIVERS);
        return browser.isPresent() && driver.isPresent() ? Optional.of(new Path[] {browser.get(), driver.get()})
                : Optional.empty();
    }

    static String missing() {
        return "No Chromium and chromedriver found (set CHROME_BIN and CHROMEDRIVER, or apt-get install chromium "
                + "chromium-driver): the console's browser test is skipped.";
    }

    /** A headless browser with a window big enough for the whole console. */
    static ChromeDriver start(Path[] installed) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(installed[0].toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,2200", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(installed[1].toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(30)).build();
        return new ChromeDriver(service, options);
    }

    private static Optional<Path> find(String variable, List<String> candidates) {
        return Stream.concat(Stream.ofNullable(System.getenv(variable)), candidates.stream())
                .filter(s -> !s.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst();
    }
}

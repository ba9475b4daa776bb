package dev.tollgate.gateway.alerting;

import java.net.URI;

/**
 * What the admin API shows of a receiver's URL: its scheme and host, never its path or query, which is where
 * Slack and most webhook services put the secret that lets anyone post ({@code https://hooks.slack.com/services/T…/B…/x…}).
 * Enough to tell receivers apart, not enough to post to one.
 */
final class UrlMask {

    private UrlMask() {
    }

    /** {@code https://hooks.slack.com/***}; {@code ***} alone when the URL cannot be parsed. */
    static String mask(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "***";
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/***";
        } catch (IllegalArgumentException e) {
            return "***";
        }
    }
}

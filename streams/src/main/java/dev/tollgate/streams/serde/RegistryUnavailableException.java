package dev.tollgate.streams.serde;

import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

import com.microsoft.kiota.ApiException;

/**
 * The schema registry could not answer, so a record could not be decoded for a reason that has nothing to do with
 * the record. Such a record must be retried later, never dead-lettered: dead-lettering it would drop a valid
 * billing record from the totals because of an outage.
 */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether {@code failure} (typically thrown by a registry-backed deserializer) says the registry was
     * unreachable or failing rather than that the record is bad. Network errors, timeouts and HTTP answers other
     * than 404 count as unavailable; a 404 means the record names a schema the registry does not have, which is a
     * property of the record.
     */
    public static boolean isRegistryOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof UnknownHostException
                    || t instanceof InterruptedIOException || t instanceof HttpTimeoutException
                    || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof ApiException api && api.getResponseStatusCode() != 404) {
                return true;
            }
        }
        return false;
    }

    /** Whether this exception is anywhere in the cause chain of {@code failure}. */
    public static boolean isCauseOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }
}

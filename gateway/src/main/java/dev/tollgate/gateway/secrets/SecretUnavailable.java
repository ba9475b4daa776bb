package dev.tollgate.gateway.secrets;

/**
 * A secret could not be sealed or opened: no key-encryption key is configured, the one it was sealed with is not
 * held by this replica, or the envelope does not authenticate. Its message says which and never contains secret
 * material, so it can be logged and shown to an admin as the reason an endpoint is unavailable.
 */
public final class SecretUnavailable extends RuntimeException {

    public SecretUnavailable(String message) {
        super(message, null, false, false);
    }
}

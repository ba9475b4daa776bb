package dev.tollgate.gateway.redaction;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/**
 * PII redaction of captured content (docs/redaction.md): the default for orgs and keys whose policy does not say.
 */
@ConfigMapping(prefix = "tollgate.redaction")
public interface RedactionConfig {

    /** Whether captured prompts and completions are redacted by default. */
    @WithDefault("true")
    boolean enabled();

    /** The detectors that run by default: secret, email, card, iban, phone, ip. */
    @WithDefault("secret,email,card,iban,phone,ip")
    List<String> detectors();
}

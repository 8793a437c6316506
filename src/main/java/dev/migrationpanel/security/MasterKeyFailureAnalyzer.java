package dev.migrationpanel.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused master key into Spring Boot's "APPLICATION FAILED TO START" report, with what is wrong and
 * what to do, instead of a stack trace an admin has to read from the bottom.
 */
class MasterKeyFailureAnalyzer extends AbstractFailureAnalyzer<MasterKeyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MasterKeyException cause) {
        return new FailureAnalysis(cause.description(), cause.action(), cause);
    }
}

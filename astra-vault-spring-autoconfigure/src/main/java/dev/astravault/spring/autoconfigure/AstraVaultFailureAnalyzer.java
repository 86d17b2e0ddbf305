package dev.astravault.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an {@link AstraVaultStartupException} with what went wrong and what to fix. */
public class AstraVaultFailureAnalyzer extends AbstractFailureAnalyzer<AstraVaultStartupException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, AstraVaultStartupException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}

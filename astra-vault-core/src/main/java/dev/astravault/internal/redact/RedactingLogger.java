package dev.astravault.internal.redact;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.DefaultLoggingEvent;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LocationAwareLogger;
import org.slf4j.spi.LoggingEventAware;

/**
 * An SLF4J logger that formats each line itself and writes it through {@link Redaction#scrub}, with a throwable
 * replaced by its {@linkplain Redaction#cause redacted copy} when it holds token-shaped text. Every logger of the
 * library is one of these ({@link Redaction#logger}), so a new log line cannot print a secret by accident.
 */
final class RedactingLogger extends LegacyAbstractLogger implements LoggingEventAware {
  private static final long serialVersionUID = 1L;
  private static final String FQCN = org.slf4j.helpers.AbstractLogger.class.getName();

  private final transient Logger delegate;

  RedactingLogger(Logger delegate) {
    this.delegate = delegate;
    this.name = delegate.getName();
  }

  @Override
  public boolean isTraceEnabled() {
    return delegate.isTraceEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return delegate.isDebugEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return delegate.isInfoEnabled();
  }

  @Override
  public boolean isWarnEnabled() {
    return delegate.isWarnEnabled();
  }

  @Override
  public boolean isErrorEnabled() {
    return delegate.isErrorEnabled();
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return FQCN;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, @Nullable Marker marker, @Nullable String pattern,
      Object @Nullable [] arguments, @Nullable Throwable throwable) {
    String line = Redaction.scrub(MessageFormatter.basicArrayFormat(pattern, arguments));
    Throwable t = Redaction.cause(throwable);
    if (delegate instanceof LocationAwareLogger located) {
      // The caller's frame, not ours, is the location of the line.
      located.log(marker, FQCN, level.toInt(), line, null, t);
      return;
    }
    switch (level) {
      case TRACE -> delegate.trace(marker, line, t);
      case DEBUG -> delegate.debug(marker, line, t);
      case INFO -> delegate.info(marker, line, t);
      case WARN -> delegate.warn(marker, line, t);
      case ERROR -> delegate.error(marker, line, t);
    }
  }

  /** The fluent API ({@code atInfo().addKeyValue(..).log(..)}): key-value pairs are scrubbed too, and kept as pairs. */
  @Override
  public void log(LoggingEvent event) {
    String line = Redaction.scrub(MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray()));
    Throwable t = Redaction.cause(event.getThrowable());
    if (!(delegate instanceof LoggingEventAware aware)) {
      handleNormalizedLoggingCall(event.getLevel(), null, line, null, t);
      return;
    }
    DefaultLoggingEvent copy = new DefaultLoggingEvent(event.getLevel(), delegate);
    copy.setMessage(line);
    copy.setThrowable(t);
    copy.setTimeStamp(event.getTimeStamp());
    copy.setCallerBoundary(event.getCallerBoundary());
    if (event.getMarkers() != null) {
      event.getMarkers().forEach(copy::addMarker);
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        String text = String.valueOf(pair.value);
        String scrubbed = Redaction.scrub(text);
        copy.addKeyValue(pair.key, text.equals(scrubbed) ? pair.value : scrubbed);
      }
    }
    aware.log(copy);
  }
}

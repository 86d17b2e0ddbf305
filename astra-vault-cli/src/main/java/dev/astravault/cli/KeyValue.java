package dev.astravault.cli;

import picocli.CommandLine.ITypeConverter;

/** One {@code key=value} pair of a repeated option such as {@code --metadata owner=team-orders}. */
record KeyValue(String key, String value) {

  /** Splits at the first {@code =}; the value may itself contain {@code =}. */
  static final class Converter implements ITypeConverter<KeyValue> {
    @Override
    public KeyValue convert(String pair) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        // The plugin says 'invalid key pair "<pair>"'; not quoted here: it may be a secret typed into the wrong option.
        throw new UsageErrors.Refused("expected KEY=VALUE, such as owner=team-orders");
      }
      return new KeyValue(pair.substring(0, eq), pair.substring(eq + 1));
    }
  }
}

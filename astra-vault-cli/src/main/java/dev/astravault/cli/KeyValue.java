package dev.astravault.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** One {@code key=value} pair of a repeated option such as {@code --metadata owner=team-orders}. */
record KeyValue(String key, String value) {

  /** Splits at the first {@code =}; the value may itself contain {@code =}. */
  static final class Converter implements ITypeConverter<KeyValue> {
    @Override
    public KeyValue convert(String pair) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        // The plugin's own message for the same mistake, with the expected shape.
        throw new TypeConversionException("invalid key pair \"" + pair + "\" (expected KEY=VALUE)");
      }
      return new KeyValue(pair.substring(0, eq), pair.substring(eq + 1));
    }
  }
}

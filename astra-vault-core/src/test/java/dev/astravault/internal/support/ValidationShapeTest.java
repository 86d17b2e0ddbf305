package dev.astravault.internal.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written shape checks accept exactly what the regexes they replaced accepted. */
class ValidationShapeTest {
  private static final String ALPHABET = "aAzZ09_.:@/-+ \n\té,\"";

  @Test
  void everyShapeMatchesItsFormerRegex() {
    assertSameAs("^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,199}$", 200, true, "_.:@/-");   // ids
    assertSameAs("^[a-z0-9][a-z0-9_.-]{0,127}$", 128, false, "_.-");             // role names
    assertSameAs("^[a-z0-9][a-z0-9_.@-]{0,127}$", 128, false, "_.@-");           // logical names
    assertSameAs("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", 64, true, "_.-");           // metadata keys
  }

  @Test
  void theTokenShapeMatchesItsRegex() {
    String token = "AstraCS:zjCEYwRGWocLfQJHBNQxvorr:"
        + "8709074baaf63e746cc5de52891e3a5ca88c73ae1fb7336652e9b59b9e69eff2";
    Random random = new Random(97);
    String replacements = "aAzZfg09:G-é";
    int accepted = 0;
    for (int n = 0; n < 5_000; n++) {
      StringBuilder text = new StringBuilder(token);
      for (int changes = random.nextInt(3); changes > 0; changes--) {
        text.setCharAt(random.nextInt(text.length()), replacements.charAt(random.nextInt(replacements.length())));
      }
      if (n % 10 == 0) {
        text.insert(random.nextInt(text.length()), 'a');
      }
      String t = text.toString();
      boolean expected = Validation.ASTRA_TOKEN.matcher(t).matches();
      assertThat(Validation.isAstraToken(t)).as(t).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).isGreaterThan(500).isLessThan(4_500);
  }

  private static void assertSameAs(String regex, int max, boolean upper, String others) {
    Pattern pattern = Pattern.compile(regex);
    Random random = new Random(regex.hashCode());
    int accepted = 0;
    for (int n = 0; n < 20_000; n++) {
      String t;
      if (n % 50 == 0) {   // around the length limit: one random character in a run of valid ones
        StringBuilder text = new StringBuilder("a".repeat(max - 1 + random.nextInt(3)));
        text.setCharAt(random.nextInt(text.length()), ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        t = text.toString();
      } else {
        StringBuilder text = new StringBuilder();
        for (int length = random.nextInt(6); length > 0; length--) {
          text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        t = text.toString();
      }
      boolean expected = pattern.matcher(t).matches();
      assertThat(Validation.shaped(t, max, upper, others)).as("'%s' against %s", t, regex).isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).as("accepted by " + regex).isGreaterThan(500);
  }
}

package dev.astravault.internal;

/** How secrets are shown to people: never whole. */
public final class Redaction {
  public static final String MASK = "██";

  private Redaction() {}

  /** {@code AstraCS:Zencl…} for an Astra token (a prefix of the public client id only); a mask otherwise. */
  public static String token(String token) {
    if (token.startsWith("AstraCS:") && token.length() > 13) {
      return token.substring(0, 13) + "…";
    }
    return MASK;
  }
}

/**
 * The one redactor, {@link dev.astravault.internal.redact.Redaction}: what text is masked (the patterns, and the
 * recognisers {@code UrlPasswords}, {@code ClientSecretRuns}, {@code StoreKeyRuns} and {@code JwtRuns}, which find a
 * URL's password, a client secret, a store key and a JWT without a regex, and {@code PercentDecoded}, the decoded
 * forms of a text the client-secret and key loops read as well), and the wrappers that apply it to every log line
 * ({@code RedactingLogger}) and foreign cause chain ({@code RedactedException}) the library writes or hands out.
 */
@NullMarked
package dev.astravault.internal.redact;

import org.jspecify.annotations.NullMarked;

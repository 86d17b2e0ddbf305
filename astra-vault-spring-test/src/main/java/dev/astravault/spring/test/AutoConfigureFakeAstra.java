package dev.astravault.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring test's application context against a {@link dev.astravault.test.FakeAstra} (and, with
 * {@link #vault()}, a {@link dev.astravault.test.vault.FakeVault} whose Astra plugin calls it), with no property to
 * copy:
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureFakeAstra(manualTime = true)
 * class OrdersServiceTest {
 *   @Autowired FakeAstra astra;
 *   @Autowired ManualScheduler scheduler;
 *
 *   @Test
 *   void rotates() {
 *     scheduler.advance(Duration.ofHours(23));
 *     assertThatAstra(astra).hasLiveTokens(1);
 *   }
 * }
 * }</pre>
 *
 * <p>Once per application context (Spring's context cache shares one between test classes with the same
 * configuration and the same attributes here) it:
 * <ul>
 *   <li>starts the fakes before the context refreshes and registers them as beans ({@code FakeAstra}, and
 *       {@code FakeVault} in Vault mode), after running the {@link #setup()} classes on them;
 *   <li>points {@code astra.vault.*} at them, above every other property source: {@code mode}, {@code orgs[0]}
 *       ({@code id}, {@code root-token}, {@code url}, {@code logical-name} = {@link #org()}), {@code token.org},
 *       the {@link #roles()} (or {@code sync-roles=true} when none are declared), and in Vault mode
 *       {@code vault.uri}, {@code vault.token} and {@code vault.mount}. Below every other source it sets defaults the
 *       application's own properties override: {@code astra.vault.token.role} ({@code api_ro_user}, or the first
 *       declared role), {@code astra.vault.token.logical-name} ({@code spring.application.name}, else {@code test})
 *       and {@code astra.vault.startup-backoff=0s} (startup retries never sleep);
 *   <li>with {@link #manualTime()}, registers a {@code MutableClock} and a {@code ManualScheduler} (the fakes judge
 *       expiry by that clock) and a {@code TokenManagerCustomizer} that runs managed-token work on the calling
 *       thread, so that {@code scheduler.advance(..)} renews and rotates before it returns (it also turns off the
 *       expiry sweeper and the periodic recovery passes, which would run every minute of manual time; a
 *       {@code TokenManagerCustomizer} of the application runs after it and may turn them on again);
 *   <li>with {@link #recordAudit()} (the default), registers a {@code RecordingAuditSink} as the application's
 *       {@code AuditSink} (the starter's default sinks back off);
 *   <li>after each test method, drops the fakes' recorded requests and unused faults and clears the recorded audit
 *       events, keeping the tokens, which belong to the running application (see
 *       {@link dev.astravault.test.FakeAstra#clearRequestsAndFaults()});
 *   <li>closes the fakes when the context closes, after the application revoked its tokens, and with
 *       {@link #verifyNoLiveTokensAfterClose()} fails the test class if a token outlived the context.
 * </ul>
 *
 * <p>Meant for {@code @SpringBootTest}; any Spring test context whose configuration includes the starter's
 * auto-configuration works the same. Runs on Spring Boot 3.5 and 4.x. See {@code docs/testing.md}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureFakeAstra {

  /**
   * Vault mode: also start a {@code FakeVault} and set {@code astra.vault.mode=vault}, so tokens are minted by its
   * Astra plugin (which calls the {@code FakeAstra}); default direct mode.
   *
   * @return whether to run in Vault mode
   */
  boolean vault() default false;

  /**
   * The org's logical name ({@code astra.vault.orgs[0].logical-name} and {@code astra.vault.token.org}).
   *
   * @return the org's logical name
   */
  String org() default "fake";

  /**
   * Roles written at startup ({@code astra.vault.roles[n]}); none (the default) sets
   * {@code astra.vault.sync-roles=true}, which imports the fake's built-in Astra roles by their local names
   * ({@code api_ro_user}, {@code r_w_user}, ...).
   *
   * @return the roles
   */
  Role[] roles() default {};

  /**
   * The startup token's role ({@code astra.vault.token.role}), above the application's properties; empty (the
   * default) keeps the application's, else {@code api_ro_user} or the first of {@link #roles()}.
   *
   * @return the role, or empty
   */
  String tokenRole() default "";

  /**
   * Controlled time: a {@code MutableClock} at {@link #startTime()} and a {@code ManualScheduler} as beans, used by
   * the {@code TokenManager} and the fakes, and managed-token work run synchronously. Default off (system time and
   * the engine's own threads).
   *
   * @return whether time is manual
   */
  boolean manualTime() default false;

  /**
   * Where the manual clock starts (ISO-8601 instant), with {@link #manualTime()}.
   *
   * @return the start instant
   */
  String startTime() default "2030-01-01T00:00:00Z";

  /**
   * Register a {@code RecordingAuditSink} bean as the application's audit sink (default true). Turn it off when the
   * test context defines an {@code AuditSink} bean of its own.
   *
   * @return whether to record audit events
   */
  boolean recordAudit() default true;

  /**
   * Fakes that answer uniformly in the spec's shape, without the default variation (see {@code docs/testing.md}).
   * Opt out sparingly.
   *
   * @return whether the fakes are strict
   */
  boolean strict() default false;

  /**
   * Fail the test class when its application context closed with a token still live in the FakeAstra (checked after
   * Spring closed it, e.g. with {@code @DirtiesContext}; a context that stays cached for other classes is not checked).
   * Default off: an application with {@code astra.vault.revoke-on-shutdown=false}, or a test that issues tokens it
   * does not revoke, leaves live tokens on purpose.
   *
   * @return whether to verify that no token outlives the context
   */
  boolean verifyNoLiveTokensAfterClose() default false;

  /**
   * Run on the started fakes before the application context refreshes: script faults the application's startup
   * should meet, add orgs or roles. Each class needs a no-argument constructor.
   *
   * @return the setup classes, in order
   */
  Class<? extends FakeAstraSetup>[] setup() default {};

  /**
   * A role written at startup as {@code astra.vault.roles[n]}, pointing at one of the fake's Astra roles (added as a
   * custom role when the fake has none of that name).
   */
  @Target({})
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  @interface Role {
    /**
     * The local role name ({@code astra.vault.roles[n].name}).
     *
     * @return the name
     */
    String name();

    /**
     * The Astra role it stands for, by its Astra name; default {@code API RO User}.
     *
     * @return the Astra role's name
     */
    String astraRole() default "API RO User";

    /**
     * The lease TTL ({@code astra.vault.roles[n].ttl}, a Boot duration such as {@code 1h}); empty for the default.
     *
     * @return the TTL
     */
    String ttl() default "";

    /**
     * The longest a lease may be renewed to ({@code astra.vault.roles[n].max-ttl}); empty for the default.
     *
     * @return the max TTL
     */
    String maxTtl() default "";
  }
}

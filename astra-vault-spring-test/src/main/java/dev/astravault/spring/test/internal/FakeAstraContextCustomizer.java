package dev.astravault.spring.test.internal;

import dev.astravault.spring.test.AutoConfigureFakeAstra;
import dev.astravault.spring.test.FakeAstraSetup;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import dev.astravault.test.vault.FakeVault;
import java.lang.reflect.Constructor;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts the fakes of one application context, registers them (and the manual time and audit beans) as singletons,
 * points {@code astra.vault.*} at them, and closes them after every other bean when the context closes. Equal
 * customizers (equal annotations) share a cached context.
 */
final class FakeAstraContextCustomizer implements ContextCustomizer {
  /** Bean names; the types are what tests inject. */
  static final String ASTRA_BEAN = "fakeAstra";
  static final String VAULT_BEAN = "fakeVault";
  static final String AUDIT_BEAN = "astraRecordingAuditSink";
  static final String CLOCK_BEAN = "astraManualClock";
  static final String SCHEDULER_BEAN = "astraManualScheduler";
  static final String SYNCHRONOUS_BEAN = "astraSynchronousManagedWork";
  private static final String CLOSER = "astraFakesCloser";
  private static final String DEFAULT_ROLE = "api_ro_user";
  private static final String DEFAULT_LOGICAL_NAME = "test";

  private final AutoConfigureFakeAstra annotation;

  FakeAstraContextCustomizer(AutoConfigureFakeAstra annotation) {
    this.annotation = annotation;
  }

  @Override
  public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
    MutableClock clock = annotation.manualTime() ? MutableClock.at(startTime()) : null;
    FakeAstra.Builder astraBuilder = FakeAstra.builder();
    if (annotation.strict()) {
      astraBuilder.strict();
    }
    FakeAstra astra = astraBuilder.build().start();
    FakeVault vault = null;
    try {
      if (clock != null) {
        astra.useClock(clock);
      }
      if (annotation.vault()) {
        FakeVault.Builder vaultBuilder = FakeVault.builder();
        if (annotation.strict()) {
          vaultBuilder.strict();
        }
        if (clock != null) {
          vaultBuilder.clock(clock);
        }
        vault = vaultBuilder.build().start();
      }
      for (Class<? extends FakeAstraSetup> type : annotation.setup()) {
        FakeAstraSetup setup = instantiate(type);
        setup.setUp(astra);
        if (vault != null) {
          setup.setUpVault(vault);
        }
      }
      context.getEnvironment().getPropertySources().addFirst(
          new MapPropertySource("astraVaultFakes", properties(astra, vault)));
      context.getEnvironment().getPropertySources().addLast(
          new MapPropertySource("astraVaultFakesDefaults", defaults()));
      register(context, astra, vault, clock);
    } catch (RuntimeException e) {
      if (vault != null) {
        vault.close();
      }
      astra.close();
      throw e;
    }
  }

  private void register(ConfigurableApplicationContext context, FakeAstra astra, @Nullable FakeVault vault,
      @Nullable MutableClock clock) {
    ConfigurableListableBeanFactory beans = context.getBeanFactory();
    // Registered before any other disposable bean, so destroyed after all of them: the application has revoked its
    // tokens (the starter's shutdown lifecycle, then the TokenManager's close) before the fakes stop answering.
    if (!(beans instanceof DefaultSingletonBeanRegistry registry)) {
      throw new IllegalStateException("@AutoConfigureFakeAstra needs a context whose bean factory is a "
          + "DefaultSingletonBeanRegistry (every Spring Boot and Spring test context has one): " + beans.getClass());
    }
    registry.registerDisposableBean(CLOSER, () -> {
      if (vault != null) {
        vault.close();
      }
      astra.close();
    });
    beans.registerSingleton(ASTRA_BEAN, astra);
    if (vault != null) {
      beans.registerSingleton(VAULT_BEAN, vault);
    }
    if (annotation.recordAudit()) {
      beans.registerSingleton(AUDIT_BEAN, RecordingAuditSink.create());
    }
    if (clock != null) {
      beans.registerSingleton(CLOCK_BEAN, clock);
      beans.registerSingleton(SCHEDULER_BEAN, new ManualScheduler(clock));
      beans.registerSingleton(SYNCHRONOUS_BEAN, new SynchronousManagedWork());
    }
  }

  /** What points the application at the fakes; wins over the application's own properties. */
  private Map<String, Object> properties(FakeAstra astra, @Nullable FakeVault vault) {
    Map<String, Object> p = new LinkedHashMap<>();
    String prefix = "astra.vault.";
    p.put(prefix + "mode", vault == null ? "direct" : "vault");
    p.put(prefix + "orgs[0].id", astra.defaultOrg().orgId());
    p.put(prefix + "orgs[0].root-token", astra.defaultOrg().rootToken());
    p.put(prefix + "orgs[0].url", astra.url().toString());
    p.put(prefix + "orgs[0].logical-name", annotation.org());
    p.put(prefix + "token.org", annotation.org());
    AutoConfigureFakeAstra.Role[] roles = annotation.roles();
    if (roles.length == 0) {
      p.put(prefix + "sync-roles", "true");
    }
    for (int i = 0; i < roles.length; i++) {
      AutoConfigureFakeAstra.Role role = roles[i];
      String at = prefix + "roles[" + i + "].";
      p.put(at + "org", annotation.org());
      p.put(at + "name", role.name());
      p.put(at + "role-id", roleId(astra, role.astraRole()));
      if (!role.ttl().isEmpty()) {
        p.put(at + "ttl", role.ttl());
      }
      if (!role.maxTtl().isEmpty()) {
        p.put(at + "max-ttl", role.maxTtl());
      }
    }
    if (!annotation.tokenRole().isEmpty()) {
      p.put(prefix + "token.role", annotation.tokenRole());
    }
    if (vault != null) {
      p.put(prefix + "vault.uri", vault.address());
      p.put(prefix + "vault.authentication", "token");
      p.put(prefix + "vault.token", vault.rootToken());
      p.put(prefix + "vault.mount", vault.astraMount());
    }
    return p;
  }

  /** Defaults below every other property source: the application's own settings win. */
  private Map<String, Object> defaults() {
    Map<String, Object> p = new LinkedHashMap<>();
    AutoConfigureFakeAstra.Role[] roles = annotation.roles();
    p.put("astra.vault.token.role", roles.length == 0 ? DEFAULT_ROLE : roles[0].name());
    // The starter's own default is spring.application.name, and the startup token needs one.
    p.put("astra.vault.token.logical-name", "${spring.application.name:" + DEFAULT_LOGICAL_NAME + "}");
    p.put("astra.vault.startup-backoff", "0s");
    return p;
  }

  private static String roleId(FakeAstra astra, String astraRole) {
    try {
      return astra.roleId(astraRole);
    } catch (IllegalArgumentException unknown) {
      return astra.addRole(astra.defaultOrg(), astraRole);
    }
  }

  private Instant startTime() {
    try {
      return Instant.parse(annotation.startTime());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("@AutoConfigureFakeAstra(startTime = \"" + annotation.startTime()
          + "\") is not an ISO-8601 instant such as 2030-01-01T00:00:00Z", e);
    }
  }

  private static FakeAstraSetup instantiate(Class<? extends FakeAstraSetup> type) {
    try {
      Constructor<? extends FakeAstraSetup> constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("@AutoConfigureFakeAstra(setup = " + type.getName()
          + ".class): cannot create it; it needs a no-argument constructor", e);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FakeAstraContextCustomizer other && annotation.equals(other.annotation);
  }

  @Override
  public int hashCode() {
    return annotation.hashCode();
  }
}

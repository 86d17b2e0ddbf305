package dev.astravault.store;

import dev.astravault.LeaseStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Wraps a lease store so that a test runs a step of its own just before or just after a chosen call: another
 * manager's step lands exactly between two of this manager's store calls, on the calling thread, without sleeping.
 * Each hook runs once, the first time its method is called with arguments it accepts.
 */
public final class HookedLeaseStore {
  private record Hook(String method, Predicate<Object[]> when, boolean after, Runnable step, AtomicBoolean done) {
    boolean fires(String name, Object[] args, boolean afterCall) {
      return after == afterCall && method.equals(name) && !done.get() && when.test(args) && done.compareAndSet(false,
          true);
    }
  }

  private final List<Hook> hooks = new CopyOnWriteArrayList<>();

  /**
   * @param method a {@link LeaseStore} method name
   * @param when which calls of it (their arguments)
   * @param step what runs before the first such call
   * @return this
   */
  public HookedLeaseStore before(String method, Predicate<Object[]> when, Runnable step) {
    hooks.add(new Hook(method, when, false, step, new AtomicBoolean()));
    return this;
  }

  /**
   * @param method a {@link LeaseStore} method name
   * @param when which calls of it (their arguments)
   * @param step what runs after the first such call returned
   * @return this
   */
  public HookedLeaseStore after(String method, Predicate<Object[]> when, Runnable step) {
    hooks.add(new Hook(method, when, true, step, new AtomicBoolean()));
    return this;
  }

  /** {@return {@code real} behind the hooks} */
  public LeaseStore wrap(LeaseStore real) {
    return (LeaseStore) Proxy.newProxyInstance(LeaseStore.class.getClassLoader(), new Class<?>[] {LeaseStore.class},
        (proxy, method, args) -> {
          Object[] a = args == null ? new Object[0] : args;
          hooks.stream().filter(h -> h.fires(method.getName(), a, false)).forEach(h -> h.step().run());
          Object result;
          try {
            result = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          hooks.stream().filter(h -> h.fires(method.getName(), a, true)).forEach(h -> h.step().run());
          return result;
        });
  }
}

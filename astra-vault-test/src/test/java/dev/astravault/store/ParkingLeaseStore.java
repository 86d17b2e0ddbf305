package dev.astravault.store;

import dev.astravault.LeaseStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wraps a lease store so that, once {@link #arm armed}, the next call to one of the named methods parks until
 * {@link #release}: whatever the engine holds while it makes that call (a lock, a claim) is held for as long as a
 * test wants, and the test can show that other work does not wait for it.
 */
public final class ParkingLeaseStore {
  private final Set<String> methods;
  private final CountDownLatch parked = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicBoolean armed = new AtomicBoolean();

  private final boolean afterCall;

  /**
   * @param methods the {@link LeaseStore} methods whose next call parks once armed, before it runs
   */
  public ParkingLeaseStore(String... methods) {
    this(false, methods);
  }

  private ParkingLeaseStore(boolean afterCall, String... methods) {
    this.methods = Set.of(methods);
    this.afterCall = afterCall;
  }

  /**
   * @param methods the {@link LeaseStore} methods whose next call parks once armed, after it ran (its write done)
   * @return a store wrapper that parks after the call
   */
  public static ParkingLeaseStore after(String... methods) {
    return new ParkingLeaseStore(true, methods);
  }

  /** {@return {@code real} behind the parking proxy} */
  public LeaseStore wrap(LeaseStore real) {
    return (LeaseStore) Proxy.newProxyInstance(LeaseStore.class.getClassLoader(), new Class<?>[] {LeaseStore.class},
        (proxy, method, args) -> {
          boolean park = methods.contains(method.getName()) && armed.compareAndSet(true, false);
          if (park && !afterCall) {
            park();
          }
          Object result;
          try {
            result = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (park && afterCall) {
            park();
          }
          return result;
        });
  }

  private void park() throws InterruptedException {
    parked.countDown();
    if (!released.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("never released");
    }
  }

  /** The next call to one of the methods parks. */
  public void arm() {
    armed.set(true);
  }

  /** {@return whether a call parked within ten seconds} */
  public boolean awaitParked() throws InterruptedException {
    return parked.await(10, TimeUnit.SECONDS);
  }

  /** Lets the parked call (and any later one) go on. */
  public void release() {
    released.countDown();
  }
}

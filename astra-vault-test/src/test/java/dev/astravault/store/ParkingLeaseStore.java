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

  /**
   * @param methods the {@link LeaseStore} methods whose next call parks once armed
   */
  public ParkingLeaseStore(String... methods) {
    this.methods = Set.of(methods);
  }

  /** {@return {@code real} behind the parking proxy} */
  public LeaseStore wrap(LeaseStore real) {
    return (LeaseStore) Proxy.newProxyInstance(LeaseStore.class.getClassLoader(), new Class<?>[] {LeaseStore.class},
        (proxy, method, args) -> {
          if (methods.contains(method.getName()) && armed.compareAndSet(true, false)) {
            parked.countDown();
            if (!released.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("never released");
            }
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
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

/**
 * Test doubles for astra-vault users: {@link dev.astravault.test.FakeAstra} (a fake Astra DevOps API v2),
 * {@link dev.astravault.test.FaultProxy} (forwards requests to it, then answers with gateway errors, resets, half or
 * endless bodies, or silence), {@link dev.astravault.test.MutableClock} and {@link dev.astravault.test.ManualScheduler}
 * to drive time by hand.
 */
@NullMarked
package dev.astravault.test;

import org.jspecify.annotations.NullMarked;

/**
 * Drop-in credentials for the Apache Cassandra Java driver 4.19 ({@code org.apache.cassandra:java-driver-core}, an
 * optional dependency: add it yourself to use this package).
 */
@NullMarked
package dev.astravault.cql;

import org.jspecify.annotations.NullMarked;

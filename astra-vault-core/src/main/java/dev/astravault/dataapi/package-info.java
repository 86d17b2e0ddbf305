/**
 * A Data API {@link com.datastax.astra.client.databases.Database} on the managed token, for DataStax's Data API
 * client 2.1 ({@code com.datastax.astra:astra-db-java}, an optional dependency: add it yourself to use this package).
 * Every command of the database and of its collections and tables sends the token current at that moment, so a
 * rotation needs no rebuild.
 */
@NullMarked
package dev.astravault.dataapi;

import org.jspecify.annotations.NullMarked;

/**
 * The {@code astra-vault} operator CLI: the Astra plugin's {@code vault} commands (config, role, token, lease) plus
 * {@code role sync}, {@code reap}, {@code reconcile} and {@code audit verify}, run against the durable store. Start
 * with {@link dev.astravault.cli.Main}; see {@code docs/cli.md}.
 */
@NullMarked
package dev.astravault.cli;

import org.jspecify.annotations.NullMarked;

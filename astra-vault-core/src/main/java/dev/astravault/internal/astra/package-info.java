/** The Astra DevOps API v2 client (OkHttp + Moshi). Internal: use {@link dev.astravault.TokenManager}. */
@NullMarked
package dev.astravault.internal.astra;

import org.jspecify.annotations.NullMarked;

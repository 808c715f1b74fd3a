/**
 * The wire contract between gateways, shard nodes and cache nodes, in one place (DESIGN §1, §6):
 * internal paths ({@link io.shardgate.cluster.protocol.InternalPaths}), header names
 * ({@link io.shardgate.cluster.protocol.Headers}), the record-version and ETag codec
 * ({@link io.shardgate.cluster.protocol.RecordVersions}), the collection-name and key rules
 * ({@link io.shardgate.cluster.protocol.Names}) and the ways a node refuses a request, with whether
 * the caller may retry it elsewhere ({@link io.shardgate.cluster.protocol.Refusal}).
 *
 * <p>Both sides of every internal call use these; an internal path or header written as a string
 * literal anywhere else is a bug. Pure Java: no Vert.x types, so the contract is unit-testable.
 */
package io.shardgate.cluster.protocol;

package io.shardgate.shardnode.store;

import java.util.List;

/**
 * What a source answers to "entries of slot s after position p":
 * <ul>
 *   <li>{@code trimmed}: the entries right after p are no longer retained; copy the whole slot instead;</li>
 *   <li>otherwise {@code common} is the last position the two logs share (p itself when the source has
 *       it; an earlier one when the requester holds entries the source never had — those were never
 *       acknowledged and must be repaired), and {@code entries} follow {@code common} in order, at most
 *       the requested limit; {@code end} is the source's last position.</li>
 * </ul>
 */
public record LogSlice(boolean trimmed, SlotPosition common, List<OplogEntry> entries, SlotPosition end) {}

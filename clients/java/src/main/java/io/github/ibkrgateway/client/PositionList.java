package io.github.ibkrgateway.client;

import java.util.List;

/**
 * The positions of one account as of journal sequence {@link #lastSequence()}: {@link
 * GatewayClient#positions} after it continues exactly where the listing ends.
 */
public record PositionList(List<Position> positions, long lastSequence) {

  public static PositionList fromProto(io.github.ibkrgateway.v1.ListPositionsResponse msg) {
    return new PositionList(
        msg.getPositionsList().stream().map(Position::fromProto).toList(), msg.getLastSequence());
  }
}

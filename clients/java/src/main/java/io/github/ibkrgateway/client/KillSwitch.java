package io.github.ibkrgateway.client;

import io.github.ibkrgateway.v1.AccountHalt;
import java.time.Instant;
import java.util.List;

/**
 * The kill switch: while {@link #engaged()} new orders are refused; {@link #haltedAccounts()}
 * are halted on their own whatever it says.
 */
public record KillSwitch(
    boolean engaged,
    String reason,
    String setBy,
    Instant setTime,
    List<AccountHalt> haltedAccounts,
    io.github.ibkrgateway.v1.KillSwitch proto) {

  public static KillSwitch fromProto(io.github.ibkrgateway.v1.KillSwitch msg) {
    return new KillSwitch(
        msg.getEngaged(),
        msg.getReason(),
        msg.getSetBy(),
        Order.instant(msg.getSetTime()),
        msg.getHaltedAccountsList(),
        msg);
  }
}
